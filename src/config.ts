import { getHeapStatistics } from 'node:v8';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { decodeDataKey } from './privacy/data-key.js';
import { MAX_OFFLINE_PASS_SECONDS } from './codes/offline-pass.js';
import { readFederation, readOperator, type FederationConfig, type OperatorConfig } from './config-federation.js';
import { DEFAULT_SMALL_COUNT } from './domain/small-counts.js';

/** Service configuration, read from environment variables and validated before anything starts. */

export type Mode = 'development' | 'production';
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * How long to wait on the database before giving up. Without bounds a database that accepts
 * connections but never answers holds every request open; with them each fails fast with 503.
 */
export interface DatabaseTimeouts {
  /** Connecting, and waiting for a pooled connection. */
  connectMs: number;
  /** One statement, enforced by the server and, should the server not answer at all, by the client. */
  statementMs: number;
  /** The readiness probe: /readyz answers within this, whatever the database does. */
  pingMs: number;
}

export interface Config {
  mode: Mode;
  host: string;
  port: number;
  database: DatabaseConfig;
  databaseTimeouts: DatabaseTimeouts;
  dataDir: string;
  /** From HEALTHCODE_DATA_KEY; when absent the key lives in `<dataDir>/keys/data.key`. */
  dataKey: Buffer | undefined;
  dataKeyFile: string;
  /** Where districts' data keys are kept, wrapped, apart from the database (HEALTHCODE_REGION_KEYS). */
  regionKeyDir: string;
  /** The key escrow behind key backups (privacy/key-backup.ts); none unless configured. */
  keyEscrowDir: string | undefined;
  backupRetentionDays: number;
  demoData: 'auto' | 'on' | 'off';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  sessionTtlSeconds: number;
  signInCodeTtlSeconds: number;
  tokenTtlSeconds: number;
  /** Longest an offline pass lives (src/codes/offline-pass.ts); never past its decision's valid_until. */
  offlinePassMaxSeconds: number;
  /** Hours the health authority has to answer an appeal before it is escalated. */
  appealDeadlineHours: number;
  /** The smallest count the dashboard shows exactly; smaller ones only as a range (src/domain/small-counts.ts). */
  smallCount: number;
  cacheEntries: number;
  verifyThreads: number;
  decisionThreads: number;
  retentionDays: number;
  timeZone: string;
  /** Seconds a stopping server takes at most to answer what it has received (drain.ts). */
  drainSeconds: number;
  operator: OperatorConfig;
  federation: FederationConfig;
  limits: RequestLimits;
  /** Counts of request limits shared by every process (HEALTHCODE_REDIS_URL); absent: in memory. */
  redisUrl: string | undefined;
  tlsTerminated: boolean;
  /** When to shed load (503 with Retry-After) rather than slow down for everyone. */
  shedding: SheddingLimits;
  /** Proxies in front whose X-Forwarded-For is believed: request limits count the client, not the proxy. */
  trustProxyHops: number;
}

export type { FederationConfig, OperatorConfig };

/** How many requests each caller may make; every one configurable (config.ts, HEALTHCODE_LIMIT_*). */
export interface RequestLimits {
  /** Sign-in and registration codes asked for from one address, a minute. */
  signInCodesPerAddressPerMinute: number;
  /** Codes sent to everyone together, a minute: what the SMS gateway may be made to send. Only a code really sent counts. */
  signInCodesPerMinute: number;
  /** Codes tried for one phone from one address, an hour (each code also takes at most 5 tries). */
  signInAttemptsPerAddressPerHour: number;
  /** Registrations (and visitor admissions) from one address, an hour. */
  registrationsPerAddressPerHour: number;
  /** Verifications, scan uploads and ID checks by one checkpoint device, a minute. */
  verificationsPerCheckpointDevicePerMinute: number;
  /** Imports by one staff member, an hour. */
  importsPerStaffPerHour: number;
  /** Household members one resident may add, a day: adding one must not become a way to try ID numbers. */
  dependentsPerResidentPerDay: number;
  /** Household members added from one address, an hour, whoever is signed in. */
  dependentsPerAddressPerHour: number;
  /** ID-number checks by one checkpoint device, an hour. */
  idLookupsPerCheckpointDevicePerHour: number;
  /** ID-number checks by all the devices of one venue together, an hour. */
  idLookupsPerVenuePerHour: number;
  /** Print and revoke look-ups by ID number from one service-point credential, an hour: staff are no oracle for who is registered either. */
  cardLookupsPerStaffPerHour: number;
  /** Checkpoint devices registered for one venue, a day. */
  checkpointDevicesPerVenuePerDay: number;
}

/**
 * Thresholds past which requests are refused at once with 503 and Retry-After, so the ones accepted stay
 * fast (@fastify/under-pressure); 0 turns a threshold off. Liveness, readiness and metrics are never shed.
 */
export interface SheddingLimits {
  /** Mean event-loop delay over the last sample (a second), ms. */
  eventLoopDelayMs: number;
  /** V8 heap in use, bytes; by default 90% of the heap limit, so the process sheds before it dies. */
  heapUsedBytes: number;
  /** Resident set size, bytes. */
  rssBytes: number;
  /** What Retry-After tells a shed client, s. */
  retryAfterSeconds: number;
  /** How often load is measured, ms (default 1000). */
  sampleIntervalMs?: number;
}

export const DEFAULT_SHEDDING: SheddingLimits = {
  eventLoopDelayMs: 1000,
  heapUsedBytes: Math.floor(0.9 * getHeapStatistics().heap_size_limit),
  rssBytes: 0,
  retryAfterSeconds: 2,
};

/**
 * Defaults that use cases also fall back on when a test's settings leave them out (services/context.ts):
 * named once here, so the server and the tests run with the same value.
 */
export const DEFAULT_CACHE_ENTRIES = 100_000;

/**
 * How many entries a per-resident cache keeps: HEALTHCODE_CACHE_ENTRIES (its default when unset), never
 * fewer than `floor` (below it, residents refreshing in turn push each other out), and none when it
 * is 0: the setting turns every such cache off.
 */
export function cacheBound(configured: number | undefined, floor: number): number {
  const entries = configured ?? DEFAULT_CACHE_ENTRIES;
  return entries === 0 ? 0 : Math.max(floor, entries);
}
export const DEFAULT_APPEAL_DEADLINE_HOURS = 24;
/** Twelve hours: a day's shift without a network, and no longer than a colour is commonly left undecided. */
export const DEFAULT_OFFLINE_PASS_MAX_SECONDS = 43_200;
export const DEFAULT_BACKUP_RETENTION_DAYS = 30;
export const DEFAULT_FEDERATION_REFRESH_SECONDS = 300;
/** Twenty seconds: a slow request's worth many times over, and within Kubernetes' 30 s before it kills. */
export const DEFAULT_DRAIN_SECONDS = 20;

export const DEFAULT_LIMITS: RequestLimits = {
  signInCodesPerAddressPerMinute: 10,
  signInCodesPerMinute: 600,
  registrationsPerAddressPerHour: 20,
  verificationsPerCheckpointDevicePerMinute: 600,
  importsPerStaffPerHour: 60,
  dependentsPerResidentPerDay: 10,
  dependentsPerAddressPerHour: 30,
  signInAttemptsPerAddressPerHour: 10,
  idLookupsPerCheckpointDevicePerHour: 60,
  idLookupsPerVenuePerHour: 120,
  cardLookupsPerStaffPerHour: 60,
  checkpointDevicesPerVenuePerDay: 20,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every variable the service reads, with its meaning; `healthcode help` prints this. */
export const CONFIG_VARIABLES: Record<string, string> = {
  HEALTHCODE_MODE: 'development (default) or production; production never logs sign-in codes and requires explicit settings',
  HEALTHCODE_HOST: 'address to listen on (default 127.0.0.1); development mode listens on loopback only',
  HEALTHCODE_PORT: 'TCP port, 0-65535 (default 8080; 0 picks a free one)',
  HEALTHCODE_DATABASE_URL: 'sqlite:<path> (default sqlite:<data dir>/healthcode.db) or postgres://user@host:port/db',
  HEALTHCODE_DB_CONNECT_TIMEOUT: 'milliseconds to wait for a database connection before answering 503 (default 3000)',
  HEALTHCODE_DB_STATEMENT_TIMEOUT: 'milliseconds one database statement may take before it is cancelled and the request answered 503 (default 10000)',
  HEALTHCODE_DATA_DIR: 'directory for the embedded database and the data key (default ./data)',
  HEALTHCODE_DATA_KEY: 'base64 of 32 random bytes encrypting personal data; default: generated into <data dir>/keys/data.key',
  HEALTHCODE_DEMO_DATA: 'auto (default: on for a new embedded database in development mode, never in production), on or off',
  HEALTHCODE_LOG_LEVEL: 'fatal, error, warn, info (default), debug, trace or silent',
  HEALTHCODE_BODY_LIMIT: 'largest request body in bytes (default 1048576)',
  HEALTHCODE_SESSION_TTL: 'resident session lifetime in seconds (default 43200)',
  HEALTHCODE_SIGN_IN_CODE_TTL: 'one-time sign-in code lifetime in seconds (default 300)',
  HEALTHCODE_TOKEN_TTL: 'lifetime of a signed QR code in seconds (default 300)',
  HEALTHCODE_OFFLINE_PASS_MAX: 'longest an offline pass lives, in seconds, 300 to 86400 (default 43200); never past its decision\'s valid_until',
  HEALTHCODE_CACHE_ENTRIES: 'sessions and shown codes each process keeps in memory, kept true across processes by the database (default 100000; 0 turns the caches off)',
  HEALTHCODE_VERIFY_THREADS: 'worker threads checking the signatures of uploaded scans (default: the cores, at most 4; 0 checks them on the main thread)',
  HEALTHCODE_DECISION_THREADS: 'worker threads evaluating re-decisions while the main thread reads and writes (default on SQLite: the cores but one, at most 4; on PostgreSQL 0, evaluating on the main thread)',
  HEALTHCODE_RETENTION_DAYS: 'days scans and check-ins are kept before the daily purge deletes them (default 28)',
  HEALTHCODE_TIME_ZONE: 'IANA time zone for calendar dates (default Asia/Shanghai)',
  HEALTHCODE_DRAIN_SECONDS: 'seconds a stopping server (SIGTERM, SIGINT) takes at most to answer the requests it has received before it cuts the rest (default 20)',
  HEALTHCODE_OPERATOR_ID: 'this operator\'s id among the national system\'s operators, lower case, e.g. hubei (default local)',
  HEALTHCODE_OPERATOR_NAME: 'the operator\'s name as scanners and other operators show it (default: the id)',
  HEALTHCODE_REGIONS: 'comma-separated GB/T 2260 codes of the regions this operator serves, e.g. 420000 (default: every province)',
  HEALTHCODE_PUBLIC_URL: 'the address other operators and the hub reach this operator at, e.g. https://jkm.zj.gov.cn (default: the listening address)',
  HEALTHCODE_HUB: 'on to act as the national hub as well (default off)',
  HEALTHCODE_HUB_MEMBERS: 'development: members a hub registers at start, as id=url pairs separated by commas',
  HEALTHCODE_HUB_URL: 'the national hub this operator is a member of',
  HEALTHCODE_HUB_KEY: "the hub's public key (base64url, printed by `healthcode federation identity` on the hub); required with HEALTHCODE_HUB_URL in production",
  HEALTHCODE_LIMIT_SIGN_IN_PER_ADDRESS: 'sign-in and registration codes one address may ask for a minute (default 10)',
  HEALTHCODE_LIMIT_SIGN_IN_TOTAL: 'codes sent to everyone together a minute: what the SMS gateway may be made to send; a request refused before sending does not count (default 600)',
  HEALTHCODE_LIMIT_SIGN_IN_ATTEMPTS: 'codes one address may try for one phone an hour (default 10)',
  HEALTHCODE_LIMIT_REGISTRATIONS: 'registrations one address may make an hour (default 20)',
  HEALTHCODE_LIMIT_DEVICE_CHECKS: 'verifications, scan uploads and ID checks one checkpoint device may make a minute (default 600)',
  HEALTHCODE_LIMIT_IMPORTS: 'imports one staff credential may make an hour (default 60)',
  HEALTHCODE_LIMIT_ID_LOOKUPS: 'ID-number checks one checkpoint device may make an hour (default 60)',
  HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE: 'ID-number checks all the devices of one venue together may make an hour (default 120)',
  HEALTHCODE_LIMIT_DEVICES: 'checkpoint devices one venue may register a day (default 20)',
  HEALTHCODE_REGION_KEYS: "directory of the districts' data keys, wrapped by the data key (default <data dir>/keys/regions); every process serving the database needs the same one, and a region's sunset deletes its keys from it",
  HEALTHCODE_KEY_ESCROW: "directory on storage apart from this machine (a second disk, a network share) holding the keys that open `healthcode keys backup` files; every process running a sunset needs it mounted, and a sunset destroys its districts' entries there (default: none, no key backups)",
  HEALTHCODE_BACKUP_RETENTION_DAYS: 'days a key backup stays restorable, and the sunset report states database copies are kept (default 30)',
  HEALTHCODE_APPEAL_DEADLINE_HOURS: 'hours the health authority has to answer an appeal; past it the appeal is escalated and shown overdue (default 24)',
  HEALTHCODE_SMALL_COUNT: "the smallest count of residents the authority dashboard shows exactly (default 5, at least 2): a district's count from 1 to one less is shown as a range, and every total holding it as a range too",
  HEALTHCODE_SHED_EVENT_LOOP_DELAY: 'shed load (503 with Retry-After) when the mean event-loop delay passes this many ms (default 1000; 0: never)',
  HEALTHCODE_SHED_HEAP_MB: 'shed load when the V8 heap in use passes this many MB (default 90% of the heap limit; 0: never)',
  HEALTHCODE_SHED_RSS_MB: 'shed load when the resident set passes this many MB (default 0: never)',
  HEALTHCODE_SHED_RETRY_AFTER: 'seconds a shed client is told to wait (default 2)',
  HEALTHCODE_REDIS_URL: 'redis://host:port: request limits counted together by every process (default: each process counts its own)',
  HEALTHCODE_TRUST_PROXY: 'how many proxies in front to believe X-Forwarded-For from (default 0): behind a proxy, without it every client counts as the proxy',
  HEALTHCODE_TLS_TERMINATED: 'on when TLS ends in a proxy in front: responses then carry Strict-Transport-Security (default off)',
  HEALTHCODE_FEDERATION_REFRESH: 'seconds between fetches of trust lists, by the hub and by members (default 300)',
};

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name}: must be one of ${allowed.join(', ')}, got '${value}'`);
    return fallback;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name}: must be a whole number from ${min} to ${max}, got '${value}'`);
      return fallback;
    }
    return n;
  };

  // Renamed: a deployment still setting it would otherwise lose its bound without a word.
  if (read('HEALTHCODE_SHUTDOWN_GRACE') !== undefined) problems.push("HEALTHCODE_SHUTDOWN_GRACE: renamed HEALTHCODE_DRAIN_SECONDS (seconds a stopping server answers what it has received); set that instead");
  const mode = oneOf('HEALTHCODE_MODE', ['development', 'production'] as const, 'development');
  const host = read('HEALTHCODE_HOST') ?? '127.0.0.1';
  const port = integer('HEALTHCODE_PORT', 8080, 0, 65535);
  const dataDir = resolve(cwd, read('HEALTHCODE_DATA_DIR') ?? 'data');

  let database: DatabaseConfig = { kind: 'sqlite', path: resolve(dataDir, 'healthcode.db') };
  const url = read('HEALTHCODE_DATABASE_URL');
  if (url !== undefined) {
    if (url.startsWith('sqlite:')) {
      const path = url.slice('sqlite:'.length);
      if (path === '') problems.push(`HEALTHCODE_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/healthcode.db`);
      database = { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
    } else if (/^postgres(ql)?:\/\//.test(url)) {
      try {
        new URL(url);
        database = { kind: 'postgres', url };
      } catch {
        problems.push('HEALTHCODE_DATABASE_URL: is not a valid postgres:// URL');
      }
    } else {
      problems.push(`HEALTHCODE_DATABASE_URL: must start with sqlite: or postgres://`);
    }
  }

  let dataKey: Buffer | undefined;
  const keyText = read('HEALTHCODE_DATA_KEY');
  if (keyText !== undefined) {
    dataKey = decodeDataKey(keyText);
    // Never echo the value: it is the secret.
    if (!dataKey) problems.push('HEALTHCODE_DATA_KEY: must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)');
  }

  const timeZone = read('HEALTHCODE_TIME_ZONE') ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    problems.push(`HEALTHCODE_TIME_ZONE: '${timeZone}' is not an IANA time zone`);
  }

  const config: Config = {
    mode,
    host,
    port,
    database,
    databaseTimeouts: {
      connectMs: integer('HEALTHCODE_DB_CONNECT_TIMEOUT', 3000, 100, 120_000),
      statementMs: integer('HEALTHCODE_DB_STATEMENT_TIMEOUT', 10_000, 100, 3_600_000),
      pingMs: 800,
    },
    dataDir,
    dataKey,
    dataKeyFile: resolve(dataDir, 'keys', 'data.key'),
    regionKeyDir: resolve(cwd, read('HEALTHCODE_REGION_KEYS') ?? resolve(dataDir, 'keys', 'regions')),
    keyEscrowDir: read('HEALTHCODE_KEY_ESCROW') === undefined ? undefined : resolve(cwd, read('HEALTHCODE_KEY_ESCROW')!),
    backupRetentionDays: integer('HEALTHCODE_BACKUP_RETENTION_DAYS', DEFAULT_BACKUP_RETENTION_DAYS, 1, 365),
    // Demo residents carry real-format phones: production never loads them, whatever the database.
    demoData: mode === 'production' ? offUnlessOn(oneOf('HEALTHCODE_DEMO_DATA', ['auto', 'on', 'off'] as const, 'auto')) : oneOf('HEALTHCODE_DEMO_DATA', ['auto', 'on', 'off'] as const, 'auto'),
    logLevel: oneOf('HEALTHCODE_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimitBytes: integer('HEALTHCODE_BODY_LIMIT', 1_048_576, 1024, 104_857_600),
    sessionTtlSeconds: integer('HEALTHCODE_SESSION_TTL', 43_200, 60, 2_592_000),
    signInCodeTtlSeconds: integer('HEALTHCODE_SIGN_IN_CODE_TTL', 300, 30, 3600),
    tokenTtlSeconds: integer('HEALTHCODE_TOKEN_TTL', 300, 30, 3600),
    offlinePassMaxSeconds: integer('HEALTHCODE_OFFLINE_PASS_MAX', DEFAULT_OFFLINE_PASS_MAX_SECONDS, 300, MAX_OFFLINE_PASS_SECONDS),
    appealDeadlineHours: integer('HEALTHCODE_APPEAL_DEADLINE_HOURS', DEFAULT_APPEAL_DEADLINE_HOURS, 1, 720),
    smallCount: integer('HEALTHCODE_SMALL_COUNT', DEFAULT_SMALL_COUNT, 2, 100),
    cacheEntries: integer('HEALTHCODE_CACHE_ENTRIES', DEFAULT_CACHE_ENTRIES, 0, 10_000_000),
    verifyThreads: integer('HEALTHCODE_VERIFY_THREADS', Math.min(4, availableParallelism()), 0, 64),
    // On PostgreSQL the main thread mostly waits for the database, and a thread more measured no faster (bench: decision).
    decisionThreads: integer('HEALTHCODE_DECISION_THREADS', database.kind === 'sqlite' ? Math.min(4, availableParallelism() - 1) : 0, 0, 64),
    retentionDays: integer('HEALTHCODE_RETENTION_DAYS', 28, 1, 365),
    timeZone,
    drainSeconds: integer('HEALTHCODE_DRAIN_SECONDS', DEFAULT_DRAIN_SECONDS, 0, 600),
    operator: readOperator(read, problems),
    federation: readFederation(read, problems, integer('HEALTHCODE_FEDERATION_REFRESH', DEFAULT_FEDERATION_REFRESH_SECONDS, 1, 86_400)),
    limits: {
      signInCodesPerAddressPerMinute: integer('HEALTHCODE_LIMIT_SIGN_IN_PER_ADDRESS', DEFAULT_LIMITS.signInCodesPerAddressPerMinute, 1, 100_000),
      signInCodesPerMinute: integer('HEALTHCODE_LIMIT_SIGN_IN_TOTAL', DEFAULT_LIMITS.signInCodesPerMinute, 1, 10_000_000),
      registrationsPerAddressPerHour: integer('HEALTHCODE_LIMIT_REGISTRATIONS', DEFAULT_LIMITS.registrationsPerAddressPerHour, 1, 100_000),
      verificationsPerCheckpointDevicePerMinute: integer('HEALTHCODE_LIMIT_DEVICE_CHECKS', DEFAULT_LIMITS.verificationsPerCheckpointDevicePerMinute, 1, 1_000_000),
      importsPerStaffPerHour: integer('HEALTHCODE_LIMIT_IMPORTS', DEFAULT_LIMITS.importsPerStaffPerHour, 1, 100_000),
      dependentsPerResidentPerDay: integer('HEALTHCODE_LIMIT_DEPENDENTS', DEFAULT_LIMITS.dependentsPerResidentPerDay, 1, 100_000),
      dependentsPerAddressPerHour: integer('HEALTHCODE_LIMIT_DEPENDENTS_PER_ADDRESS', DEFAULT_LIMITS.dependentsPerAddressPerHour, 1, 100_000),
      signInAttemptsPerAddressPerHour: integer('HEALTHCODE_LIMIT_SIGN_IN_ATTEMPTS', DEFAULT_LIMITS.signInAttemptsPerAddressPerHour, 1, 100_000),
      idLookupsPerCheckpointDevicePerHour: integer('HEALTHCODE_LIMIT_ID_LOOKUPS', DEFAULT_LIMITS.idLookupsPerCheckpointDevicePerHour, 1, 100_000),
      idLookupsPerVenuePerHour: integer('HEALTHCODE_LIMIT_ID_LOOKUPS_VENUE', DEFAULT_LIMITS.idLookupsPerVenuePerHour, 1, 1_000_000),
      cardLookupsPerStaffPerHour: integer('HEALTHCODE_LIMIT_CARD_LOOKUPS', DEFAULT_LIMITS.cardLookupsPerStaffPerHour, 1, 100_000),
      checkpointDevicesPerVenuePerDay: integer('HEALTHCODE_LIMIT_DEVICES', DEFAULT_LIMITS.checkpointDevicesPerVenuePerDay, 1, 100_000),
    },
    redisUrl: readRedisUrl(read('HEALTHCODE_REDIS_URL'), problems),
    tlsTerminated: oneOf('HEALTHCODE_TLS_TERMINATED', ['on', 'off'] as const, 'off') === 'on',
    shedding: {
      eventLoopDelayMs: integer('HEALTHCODE_SHED_EVENT_LOOP_DELAY', DEFAULT_SHEDDING.eventLoopDelayMs, 0, 60_000),
      heapUsedBytes: integer('HEALTHCODE_SHED_HEAP_MB', Math.round(DEFAULT_SHEDDING.heapUsedBytes / 2 ** 20), 0, 1_000_000) * 2 ** 20,
      rssBytes: integer('HEALTHCODE_SHED_RSS_MB', 0, 0, 1_000_000) * 2 ** 20,
      retryAfterSeconds: integer('HEALTHCODE_SHED_RETRY_AFTER', DEFAULT_SHEDDING.retryAfterSeconds, 1, 3600),
    },
    trustProxyHops: integer('HEALTHCODE_TRUST_PROXY', 0, 0, 10),
  };
  if (mode === 'production' && config.federation.hubUrl !== undefined && config.federation.hubKey === undefined) {
    problems.push("HEALTHCODE_HUB_KEY: must be set with HEALTHCODE_HUB_URL in production mode: the hub's key is pinned, never learned from the hub itself");
  }
  if (mode === 'production' && config.federation.hubMembers.length > 0) {
    problems.push('HEALTHCODE_HUB_MEMBERS: is for development; in production register members with their keys (`healthcode federation add-member`)');
  }
  // Development mode shows anyone who can reach it every phone's sign-in code (/api/v1/dev/outbox):
  // it must not be reachable from anywhere but this machine.
  if (mode === 'development' && !isLoopback(host)) {
    problems.push(`HEALTHCODE_HOST: development mode listens on loopback only (127.0.0.1, ::1 or localhost), got '${host}'; set HEALTHCODE_MODE=production to serve other machines`);
  }
  if (mode === 'production' && database.kind === 'sqlite' && url === undefined) {
    problems.push('HEALTHCODE_DATABASE_URL: must be set explicitly in production mode');
  }
  if (config.keyEscrowDir !== undefined && (config.keyEscrowDir === config.regionKeyDir || config.keyEscrowDir.startsWith(`${config.regionKeyDir}/`) || config.regionKeyDir.startsWith(`${config.keyEscrowDir}/`))) {
    problems.push("HEALTHCODE_KEY_ESCROW: must be apart from the districts' keys directory (HEALTHCODE_REGION_KEYS), on storage that survives this machine");
  }
  if (mode === 'production' && config.demoData === 'on') {
    problems.push('HEALTHCODE_DEMO_DATA: demo residents must not be loaded in production mode');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** `auto` means off; `on` is kept so that the check below can refuse it by name. */
function offUnlessOn(value: 'auto' | 'on' | 'off'): 'on' | 'off' {
  return value === 'on' ? 'on' : 'off';
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}


function readRedisUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (/^rediss?:$/.test(new URL(value).protocol)) return value;
  } catch {
    // named below
  }
  problems.push(`HEALTHCODE_REDIS_URL: must be a redis:// or rediss:// URL, got '${value.replace(/\/\/[^@]*@/, '//…@')}'`);
  return undefined;
}
