import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Engine } from '../store/database.js';
import { AppealsService } from './oversight/appeals-service.js';
import { CorrectionsService } from './oversight/corrections-service.js';
import { SunsetService } from './oversight/sunset-service.js';
import { AuditService } from './audit-service.js';
import { AuthorityService } from './decisions/authority-records-service.js';
import { CheckInsService } from './residents/check-ins-service.js';
import { HealthCodesService } from './decisions/health-codes-service.js';
import { OfflinePassesService } from './decisions/offline-passes-service.js';
import type { ServiceContext, ServiceSettings } from './context.js';
import { DeclarationsService } from './residents/declarations-service.js';
import { DecisionsService } from './decisions/decisions-service.js';
import { NoticesService } from './decisions/colour-notices-service.js';
import { IdentityReclaimsService } from './residents/identity-reclaims-service.js';
import { KeysService } from './keys-service.js';
import { HubService } from './federation/hub-service.js';
import { TravelCardService } from './federation/travel-card-service.js';
import { MovingService } from './federation/moving-service.js';
import { HostAppsService } from './federation/host-apps-service.js';
import { OAuthServer } from './federation/oauth-server.js';
import { NationalListService } from './federation/national-list-service.js';
import { RegistrationService } from './residents/registration-service.js';
import { ResidentsService } from './residents/residents-service.js';
import { PaperCardsService } from './residents/paper-cards-service.js';
import { RulesService } from './decisions/rules-service.js';
import { ScansService } from './checkpoints/scans-service.js';
import { SignInService } from './residents/sign-in-service.js';
import { RememberedDevicesService } from './residents/remembered-devices-service.js';
import { StaffService } from './staff-service.js';
import { StatsService } from './oversight/stats-service.js';
import { TracingService } from './tracing/tracing-service.js';
import { ImpactPreviewsService } from './decisions/impact-previews-service.js';
import { CaseFinderService } from './tracing/case-finder-service.js';
import { VenuesService } from './checkpoints/venues-service.js';
import { OperationsService } from './operations-service.js';
import type { MeterRelay } from './meter.js';

/** The use cases, wired once to one context; what the HTTP layer and the CLI call. */
export interface Services {
  residents: ResidentsService;
  registration: RegistrationService;
  reclaims: IdentityReclaimsService;
  declarations: DeclarationsService;
  signIn: SignInService;
  rememberedDevices: RememberedDevicesService;
  rules: RulesService;
  decisions: DecisionsService;
  /** Colour-change texts to whoever holds the phone for a resident. */
  notices: NoticesService;
  authority: AuthorityService;
  checkIns: CheckInsService;
  keys: KeysService;
  hub: HubService;
  travelCards: TravelCardService;
  moving: MovingService;
  hostApps: HostAppsService;
  /** The authorization server host apps sign residents in through (oidc-provider), mounted under /oauth. */
  oauthServer: OAuthServer;
  nationalList: NationalListService;
  healthCodes: HealthCodesService;
  offlinePasses: OfflinePassesService;
  staff: StaffService;
  audit: AuditService;
  venues: VenuesService;
  scans: ScansService;
  /** Paper cards for people without a phone: printed, revoked, resolved at the gate. */
  paperCards: PaperCardsService;
  /** What listing a risk area or publishing rules would do, counted for the officer's own region and audited. */
  previews: ImpactPreviewsService;
  tracing: TracingService;
  caseFinder: CaseFinderService;
  appeals: AppealsService;
  corrections: CorrectionsService;
  sunset: SunsetService;
  stats: StatsService;
  /** The figures operators watch, read at a metrics scrape. */
  operations: OperationsService;
  /** What use cases count as it happens; the HTTP layer attaches its metrics here. */
  meter: MeterRelay;
  /** Whether the database answers, and which engine it is: for readiness, not for data. */
  system: { engine: Engine; ping(): Promise<boolean> };
  settings: Readonly<ServiceSettings>;
  clock: Clock;
  logger: Logger;
}

export function createServices(ctx: ServiceContext): Services {
  const rules = new RulesService(ctx);
  const notices = new NoticesService(ctx);
  const decisions = new DecisionsService(ctx, rules, notices);
  const keys = new KeysService(ctx);
  const hub = new HubService(ctx, keys);
  const nationalList = new NationalListService(ctx, keys, hub);
  const audit = new AuditService(ctx);
  const residents = new ResidentsService(ctx);
  const authority = new AuthorityService(ctx, decisions, audit);
  const venues = new VenuesService(ctx, keys);
  const signIn = new SignInService(ctx);
  const reclaims = new IdentityReclaimsService(ctx, audit);
  const corrections = new CorrectionsService(ctx, decisions, audit, notices);
  const oauthServer = new OAuthServer(ctx, keys);
  const paperCards = new PaperCardsService(ctx, audit);
  return {
    residents,
    registration: new RegistrationService(ctx, residents, signIn, reclaims, audit),
    reclaims,
    declarations: new DeclarationsService(ctx, decisions),
    signIn,
    rememberedDevices: new RememberedDevicesService(ctx, signIn),
    rules,
    decisions,
    notices,
    authority,
    checkIns: new CheckInsService(ctx, decisions),
    keys,
    hub,
    nationalList,
    travelCards: new TravelCardService(ctx, decisions, keys),
    moving: new MovingService(ctx, keys, nationalList, decisions, audit, signIn),
    hostApps: new HostAppsService(ctx, oauthServer, audit),
    oauthServer,
    healthCodes: new HealthCodesService(ctx, decisions, keys, residents),
    offlinePasses: new OfflinePassesService(ctx, decisions, keys),
    staff: new StaffService(ctx),
    audit,
    venues,
    scans: new ScansService(ctx, venues, nationalList, decisions, audit, paperCards),
    paperCards,
    previews: new ImpactPreviewsService(ctx, authority, decisions, audit),
    tracing: new TracingService(ctx, venues, authority, audit, decisions),
    caseFinder: new CaseFinderService(ctx, audit, venues),
    appeals: new AppealsService(ctx, decisions, audit, corrections, notices),
    corrections,
    sunset: new SunsetService(ctx, keys, audit),
    stats: new StatsService(ctx),
    operations: new OperationsService(ctx, hub, nationalList),
    meter: ctx.meter,
    system: { engine: ctx.database.engine, ping: () => ctx.database.ping() },
    settings: ctx.settings,
    clock: ctx.clock,
    logger: ctx.logger,
  };
}
