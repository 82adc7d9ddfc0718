import { MemoryRegionKeys, RegionKeys, type RegionKeyBackend } from '../privacy/region-keys.js';
import { EndedRegions } from './ended-regions.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SignaturePool } from '../codes/signature-pool.js';
import { SubjectSeal } from '../codes/subject-seal.js';
import { nodeVerify } from '../codes/token-signer.js';
import type { Ed25519Verify } from '../codes/token-verifier.js';
import type { Clock } from '../domain/clock.js';
import { DEFAULT_LIMITS, type Mode, type RequestLimits } from '../config.js';
import { provinceCodes, servingRegion } from '../domain/regions.js';
import { RegionNotServedError } from './service-errors.js';
import { deriveSubkey, FieldCipher } from '../privacy/field-cipher.js';
import type { Store } from '../store/database.js';
import { createStores, type Stores } from '../store/stores.js';
import { OutboxSmsSender, type SmsSender } from './sms-sender.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface ServiceSettings {
  mode: Mode;
  timeZone: string;
  sessionTtlSeconds: number;
  signInCodeTtlSeconds: number;
  /** Lifetime of a signed QR token. */
  tokenTtlSeconds: number;
  /** Hours the health authority has to answer an appeal before it is escalated; default 24. */
  appealDeadlineHours?: number;
  /** Entries each in-memory cache (sessions, issued codes) may hold; 0 turns them off. Default 100,000. */
  cacheEntries?: number;
  /** This deployment as an operator; default: one operator, `local`, serving every province. */
  operator?: OperatorSettings;
  /** Whether this deployment is the hub, and which hub it is a member of; default: neither. */
  federation?: FederationSettings;
  /** Days a backup (of the keys, and of the database by the operator's policy) is kept; the sunset report states it. */
  backupRetentionDays?: number;
  /** The limits use cases count themselves (codes sent, ID checks, devices registered); default DEFAULT_LIMITS. */
  limits?: RequestLimits;
}

export interface FederationSettings {
  hub: boolean;
  hubUrl?: string;
  /** The hub's pinned public key; in development it may be learned on first contact instead. */
  hubKey?: string;
  refreshSeconds: number;
}

export interface OperatorSettings {
  id: string;
  name: string;
  regions: string[];
  publicUrl?: string;
}

let defaultOperator: OperatorSettings | undefined;
/** The served region containing `region`; refuses one this operator does not serve. */
export function servedRegionFor(ctx: { settings: ServiceSettings }, region: string, field = 'region'): string {
  const operator = operatorOf(ctx);
  const served = servingRegion(region, operator.regions);
  if (served === undefined) throw new RegionNotServedError(region, operator, field);
  return served;
}

/** The operator this context runs as. */
export function operatorOf(ctx: { settings: ServiceSettings }): OperatorSettings {
  return ctx.settings.operator ?? (defaultOperator ??= { id: 'local', name: 'local', regions: provinceCodes() });
}

export const DEFAULT_CACHE_ENTRIES = 100_000;

/** Everything a use case needs from outside: storage, time, keys, senders, settings. */
export interface ServiceContext {
  store: Store;
  /** Districts' data keys: destroyed at a region's sunset. */
  regionKeys: RegionKeys;
  /** The key escrow behind the key backups (key-backup.ts), where one is configured: a sunset destroys its districts' entries. */
  keyEscrow: RegionKeyBackend | undefined;
  /** Regions whose sunset was approved, for refusing new personal data there early. */
  endedRegions: EndedRegions;
  /** Every table group's store, built once: services reach the database only through these. */
  stores: Stores;
  clock: Clock;
  cipher: FieldCipher;
  sessionKey: Uint8Array;
  /** Seals resident ids into token subjects, so a code names nobody to anyone but us. */
  subjects: SubjectSeal;
  sms: SmsSender;
  logger: Logger;
  settings: ServiceSettings;
  newId: () => string;
  /** Counts the limits use cases decide (settings.limits): through Redis when several processes serve. */
  limiter: RateLimiter;
  /** Checks scanned codes' signatures: on worker threads where there are some, else here. */
  signatures: { verify: Ed25519Verify; close(): Promise<void> };
}

export interface ContextOptions {
  store: Store;
  clock: Clock;
  dataKey: Buffer;
  logger: Logger;
  settings: ServiceSettings;
  sms?: SmsSender;
  newId?: () => string;
  /** Worker threads checking scanned codes' signatures; 0 (the default) checks them on this thread. */
  signatureThreads?: number;
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
  const stores = createStores(options.store, cipher);
  const endedRegions = new EndedRegions(stores.sunsets, options.clock);
  // A sunset run by another process (the CLI): refuse its region at once, and drop its district keys
  // from memory. On SQLite another process's sunset is heard as `everything`.
  options.store.changes.subscribe((change) => {
    if (change.kind !== 'region-ended' && change.kind !== 'everything') return;
    endedRegions.forget();
    regionKeys.forget(change.kind === 'region-ended' ? change.prefix : '');
  });
  return {
    endedRegions,
    store: options.store,
    stores,
    clock: options.clock,
    cipher,
    regionKeys,
    keyEscrow: options.keyEscrow,
    sessionKey: deriveSubkey(options.dataKey, 'session signing'),
    subjects: new SubjectSeal(deriveSubkey(options.dataKey, 'token subject')),
    sms: options.sms ?? new OutboxSmsSender(stores.outbox, options.clock, newId, stores.residentLookups),
    logger: options.logger,
    settings: options.settings,
    newId,
    limiter: options.limiter ?? new MemoryRateLimiter(options.clock),
    signatures: options.signatureThreads ? new SignaturePool(options.signatureThreads) : { verify: nodeVerify(), close: async () => undefined },
  };
}

/** The limits this context's use cases count. */
export function limitsOf(ctx: { settings: ServiceSettings }): RequestLimits {
  return ctx.settings.limits ?? DEFAULT_LIMITS;
}
