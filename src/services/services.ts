import { AppealsService } from './appeals-service.js';
import { AuditService } from './audit-service.js';
import { AuthorityService } from './authority-service.js';
import { CheckpointsService } from './checkpoints-service.js';
import { TracingService } from './tracing-service.js';
import { CheckInsService } from './check-ins-service.js';
import { CodesService } from './codes-service.js';
import type { ServiceContext } from './context.js';
import { DeclarationsService } from './declarations-service.js';
import { DecisionsService } from './decisions-service.js';
import { KeysService } from './keys-service.js';
import { IdentityReclaimsService } from './identity-reclaims-service.js';
import { RegistrationService } from './registration-service.js';
import { ResidentsService } from './residents-service.js';
import { RulesService } from './rules-service.js';
import { SignInService } from './sign-in-service.js';
import { StaffService } from './staff-service.js';
import { StatsService } from './stats-service.js';

/** The use cases, wired to one context; what the HTTP layer and the CLI call. */
export interface Services {
  ctx: ServiceContext;
  residents: ResidentsService;
  registration: RegistrationService;
  reclaims: IdentityReclaimsService;
  declarations: DeclarationsService;
  signIn: SignInService;
  rules: RulesService;
  decisions: DecisionsService;
  authority: AuthorityService;
  checkIns: CheckInsService;
  keys: KeysService;
  codes: CodesService;
  staff: StaffService;
  audit: AuditService;
  checkpoints: CheckpointsService;
  tracing: TracingService;
  appeals: AppealsService;
  stats: StatsService;
}

export function createServices(ctx: ServiceContext): Services {
  const residents = new ResidentsService(ctx);
  const rules = new RulesService(ctx);
  const decisions = new DecisionsService(ctx, rules);
  const keys = new KeysService(ctx);
  const authority = new AuthorityService(ctx, decisions);
  const audit = new AuditService(ctx);
  const codes = new CodesService(ctx, residents, decisions, keys);
  const checkpoints = new CheckpointsService(ctx, keys, codes, decisions, audit);
  const signIn = new SignInService(ctx);
  const reclaims = new IdentityReclaimsService(ctx, audit);
  return {
    ctx,
    residents,
    registration: new RegistrationService(ctx, residents, signIn, reclaims),
    reclaims,
    declarations: new DeclarationsService(ctx, authority),
    signIn,
    rules,
    decisions,
    authority,
    checkIns: new CheckInsService(ctx, decisions),
    keys,
    codes,
    staff: new StaffService(ctx),
    audit,
    checkpoints,
    tracing: new TracingService(ctx, checkpoints, authority, audit),
    appeals: new AppealsService(ctx, codes, audit),
    stats: new StatsService(ctx),
  };
}
