import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Engine } from '../store/database.js';
import { AppealsService } from './appeals-service.js';
import { CorrectionsService } from './corrections-service.js';
import { SunsetService } from './sunset-service.js';
import { AuditService } from './audit-service.js';
import { AuthorityService } from './authority-service.js';
import { CheckInsService } from './check-ins-service.js';
import { HealthCodesService } from './codes-service.js';
import type { ServiceContext, ServiceSettings } from './context.js';
import { DeclarationsService } from './declarations-service.js';
import { DecisionsService } from './decisions-service.js';
import { NoticesService } from './notices-service.js';
import { IdentityReclaimsService } from './identity-reclaims-service.js';
import { KeysService } from './keys-service.js';
import { HubService } from './hub-service.js';
import { TravelCardService } from './travel-card-service.js';
import { MovingService } from './moving-service.js';
import { HostAppsService } from './host-apps-service.js';
import { OAuthServer } from './oauth-server.js';
import { NationalListService } from './national-list-service.js';
import { RegistrationService } from './registration-service.js';
import { ResidentsService } from './residents-service.js';
import { RulesService } from './rules-service.js';
import { ScansService } from './scans-service.js';
import { SignInService } from './sign-in-service.js';
import { RememberedDevicesService } from './devices-service.js';
import { StaffService } from './staff-service.js';
import { StatsService } from './stats-service.js';
import { TracingService } from './tracing-service.js';
import { CaseFinderService } from './case-finder-service.js';
import { VenuesService } from './venues-service.js';

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
  staff: StaffService;
  audit: AuditService;
  venues: VenuesService;
  scans: ScansService;
  tracing: TracingService;
  caseFinder: CaseFinderService;
  appeals: AppealsService;
  corrections: CorrectionsService;
  sunset: SunsetService;
  stats: StatsService;
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
  const authority = new AuthorityService(ctx, decisions);
  const venues = new VenuesService(ctx, keys);
  const signIn = new SignInService(ctx);
  const reclaims = new IdentityReclaimsService(ctx, audit);
  const corrections = new CorrectionsService(ctx, decisions, audit, notices);
  const oauthServer = new OAuthServer(ctx, keys);
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
    healthCodes: new HealthCodesService(ctx, decisions, keys),
    staff: new StaffService(ctx),
    audit,
    venues,
    scans: new ScansService(ctx, venues, nationalList, decisions, audit),
    tracing: new TracingService(ctx, venues, authority, audit, decisions),
    caseFinder: new CaseFinderService(ctx, audit, venues),
    appeals: new AppealsService(ctx, decisions, audit, corrections, notices),
    corrections,
    sunset: new SunsetService(ctx, keys, audit),
    stats: new StatsService(ctx),
    system: { engine: ctx.database.engine, ping: () => ctx.database.ping() },
    settings: ctx.settings,
    clock: ctx.clock,
    logger: ctx.logger,
  };
}
