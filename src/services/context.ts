import { MemoryRegionKeys, RegionKeys, type RegionKeyBackend } from '../privacy/region-keys.js';
import { EndedRegions } from './ended-regions.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SignaturePool } from '../codes/signature-pool.js';
import { EvaluationPool } from './decisions/evaluation-pool.js';
import { SubjectSeal } from '../codes/subject-seal.js';
import { nodeVerify } from '../codes/token-signer.js';
import type { Ed25519Verify } from '../codes/token-verifier.js';
import type { Clock } from '../domain/clock.js';
import { DEFAULT_FEDERATION_REFRESH_SECONDS, DEFAULT_LIMITS, type Config, type FederationConfig, type OperatorConfig, type RequestLimits } from '../config.js';
import { provinceCodes, servingRegion } from '../domain/regions.js';
import { RegionNotServedError } from './service-errors.js';
import { deriveSubkey, FieldCipher } from '../privacy/field-cipher.js';
import type { DatabaseHandle } from '../store/database.js';
import { createStores, type Stores } from '../store/stores.js';
import { meteredSmsSender, OutboxSmsSender, type SmsSender } from './sms-sender.js';
import { MeterRelay } from './meter.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * What use cases read of the configuration: the parsed Config's own fields and types, picked by name
 * (the server passes its Config as it is; nothing is copied). The first five are required; the others
 * fall back on the defaults below and in config.ts, so a test names only what it is about. Without
 * `operator`: one operator, `local`, serving every province; without `federation`: neither a hub nor
 * a member. The members a hub registers at start are the server's business (cli/server.ts), not a use case's.
 */
export type ServiceSettings = Pick<Config, 'mode' | 'timeZone' | 'sessionTtlSeconds' | 'signInCodeTtlSeconds' | 'tokenTtlSeconds'> &
  Partial<Pick<Config, 'appealDeadlineHours' | 'smallCount' | 'offlinePassMaxSeconds' | 'cacheEntries' | 'operator' | 'backupRetentionDays' | 'limits'>> & {
    federation?: Omit<FederationConfig, 'hubMembers'>;
  };

let defaultOperator: OperatorConfig | undefined;
/** The served region containing `region`; refuses one this operator does not serve. */
export function servedRegionFor(ctx: { settings: ServiceSettings }, region: string, field = 'region'): string {
  const operator = operatorOf(ctx);
  const served = servingRegion(region, operator.regions);
  if (served === undefined) throw new RegionNotServedError(region, operator, field);
  return served;
}

/** The operator this context runs as. */
export function operatorOf(ctx: { settings: ServiceSettings }): OperatorConfig {
  return ctx.settings.operator ?? (defaultOperator ??= { id: 'local', name: 'local', regions: provinceCodes() });
}

/** Everything a use case needs from outside: the database and its stores, time, keys, senders, settings. */
export interface ServiceContext {
  database: DatabaseHandle;
  /** Districts' data keys: destroyed at a region's sunset. */
  regionKeys: RegionKeys;
  /** The key escrow behind the key backups (key-backup.ts), where one is configured: a sunset destroys its districts' entries. */
  keyEscrow: RegionKeyBackend | undefined;
  /** Regions whose sunset was approved, for refusing new personal data there early. */
  endedRegions: EndedRegions;
  /** Every table group's store, built once: services reach the tables only through these (the database itself serves transactions, locks and the change feed). */
  stores: Stores;
  clock: Clock;
  cipher: FieldCipher;
  sessionKey: Uint8Array;
  /** Seals resident ids into token subjects, so a code names nobody to anyone but us. */
  subjects: SubjectSeal;
  sms: SmsSender;
  /** What use cases count for operators (codes shown, scans, texts); the HTTP layer attaches the metrics. */
  meter: MeterRelay;
  logger: Logger;
  settings: ServiceSettings;
  newId: () => string;
  /** Counts the limits use cases decide (settings.limits): through Redis when several processes serve. */
  limiter: RateLimiter;
  /** Checks scanned codes' signatures: on worker threads where there are some, else here. */
  signatures: { verify: Ed25519Verify; close(): Promise<void> };
  /** Evaluates re-decision chunks on worker threads; none: on this thread. */
  evaluations?: EvaluationPool;
}

export interface ContextOptions {
  database: DatabaseHandle;
  clock: Clock;
  dataKey: Buffer;
  logger: Logger;
  settings: ServiceSettings;
  sms?: SmsSender;
  newId?: () => string;
  /** Worker threads checking scanned codes' signatures; 0 (the default) checks them on this thread. */
  signatureThreads?: number;
  /** Worker threads evaluating re-decision chunks; 0 (the default) evaluates them on this thread. */
  decisionThreads?: number;
  /** Where districts' data keys are kept, apart from the database; in memory by default (tests). */
  regionKeys?: RegionKeyBackend;
  /** The key escrow (HEALTHCODE_KEY_ESCROW); none by default. */
  keyEscrow?: RegionKeyBackend;
  /** Counts shared by several processes (Redis); by default counted in this process's memory. */
  limiter?: RateLimiter;
}

export function createContext(options: ContextOptions): ServiceContext {
  const regionKeys = RegionKeys.underMasterKey(options.regionKeys ?? new MemoryRegionKeys(), options.dataKey);
  const cipher = new FieldCipher(options.dataKey, regionKeys);
  const newId = options.newId ?? randomUUID;
  const stores = createStores(options.database, cipher);
  const endedRegions = new EndedRegions(stores.sunsets, options.clock);
  const meter = new MeterRelay();
  // A sunset run by another process (the CLI): refuse its region at once, and drop its district keys
  // from memory. On SQLite another process's sunset is heard as `everything`.
  options.database.changes.subscribe((change) => {
    if (change.kind !== 'region-ended' && change.kind !== 'everything') return;
    endedRegions.forget();
    regionKeys.forget(change.kind === 'region-ended' ? change.prefix : '');
  });
  return {
    endedRegions,
    database: options.database,
    stores,
    clock: options.clock,
    cipher,
    regionKeys,
    keyEscrow: options.keyEscrow,
    sessionKey: deriveSubkey(options.dataKey, 'session signing'),
    subjects: new SubjectSeal(deriveSubkey(options.dataKey, 'token subject')),
    sms: meteredSmsSender(options.sms ?? new OutboxSmsSender(stores.outbox, options.clock, newId, stores.residentLookups), meter),
    meter,
    logger: options.logger,
    settings: options.settings,
    newId,
    limiter: options.limiter ?? new MemoryRateLimiter(options.clock),
    signatures: options.signatureThreads ? new SignaturePool(options.signatureThreads) : { verify: nodeVerify(), close: async () => undefined },
    ...(options.decisionThreads ? { evaluations: new EvaluationPool(options.decisionThreads, options.settings.timeZone) } : {}),
  };
}

/**
 * How often trust lists are fetched, in ms: the hub's status of its members and the scheduled refresh
 * both time by it, so the default and the unit are decided here once.
 */
export function federationRefreshMs(settings: ServiceSettings): number {
  return (settings.federation?.refreshSeconds ?? DEFAULT_FEDERATION_REFRESH_SECONDS) * 1000;
}

/** The limits this context's use cases count. */
export function limitsOf(ctx: { settings: ServiceSettings }): RequestLimits {
  return ctx.settings.limits ?? DEFAULT_LIMITS;
}
