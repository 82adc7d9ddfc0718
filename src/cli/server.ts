import { FileRegionKeys, type RegionKeys } from '../privacy/region-keys.js';
import { REGION_INDEX_PREFIX, UNPLACED_INDEX_PREFIX } from '../privacy/field-cipher.js';
import type { Stores } from '../store/stores.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { Redis } from 'ioredis';
import { buildApp, type AppOptions } from '../http/app.js';
import type { DrainOutcome } from '../http/drain.js';
import { dataKeyFor } from './data-key-guard.js';
import { createContext } from '../services/context.js';
import { RedisRateLimiter } from '../services/rate-limiter.js';
import { DEMO_REGION, loadDemoData } from '../services/demo-data.js';
import { regionPrefix, servingRegion } from '../domain/regions.js';
import { ScheduledJobs } from '../services/scheduled-jobs.js';
import { createServices, type Services } from '../services/services.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { migrateToLatest } from '../store/migrations/index.js';

/** Seconds closing the database and Redis may take once drained, before the process exits regardless. */
export const CLOSE_SECONDS = 10;

export interface RunningServer {
  app: FastifyInstance;
  store: DatabaseHandle;
  url: string;
  /**
   * Stops taking connections and scheduled jobs, answers every request already received, and
   * resolves once no connection is left; at `boundMs` cuts what is left, counting its requests.
   */
  drain(boundMs: number, stoppedAccepting?: () => void): Promise<DrainOutcome>;
  close(): Promise<void>;
}

/**
 * Seals residents' fields still under the master key under their districts' keys (data from before
 * districts had keys), then refuses to start if a district whose residents' data is sealed has no
 * key: a database moved without its keys directory would otherwise fail on every read. A district
 * whose sunset was approved may have lost its key to that sunset (a run cut short): its data is to
 * be destroyed anyway, and `healthcode sunset` finishes the run, so that does not stop the start.
 * Then moves blind indexes under districts' keys (indexUnderRegionKeys).
 */
async function checkRegionKeys(stores: Stores, keys: RegionKeys, dir: string, logger: Logger): Promise<void> {
  const { residentResealing: resealing, sunsets } = stores;
  let sealed = 0;
  for (let n = await resealing.sealUnderRegionKeys(500); n > 0; n = await resealing.sealUnderRegionKeys(500)) sealed += n;
  if (sealed > 0) logger.info({ residents: sealed }, "personal fields sealed under their districts' keys");
  const ending = (await sunsets.ending()).map((s) => regionPrefix(s.region));
  const keyless = (await resealing.sealedRegions()).filter((region) => keys.existing(region) === undefined);
  const shredded = keyless.filter((region) => ending.some((prefix) => region.startsWith(prefix)));
  if (shredded.length > 0) logger.warn({ districts: shredded }, "districts whose sunset destroyed their keys before their data was erased: `healthcode sunset` finishes the erasure");
  const missing = keyless.filter((region) => !shredded.includes(region));
  if (missing.length > 0) {
    throw new Error(`the data keys of ${missing.length} districts (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}) are missing from ${dir}: restore that directory with the database it belongs to (a district's key is deleted only by its sunset)`);
  }
  await indexUnderRegionKeys(stores, logger);
}

/**
 * Moves blind indexes from before districts had index keys (under the master key, which outlives a
 * sunset) to their district's: residents', claims' and messages'; codes so indexed are deleted. Each
 * step compares and sets row by row, so a start that crashes half-way is finished by the next.
 */
async function indexUnderRegionKeys(stores: Stores, logger: Logger): Promise<void> {
  const moved = { residents: 0, reclaims: 0, outbox: 0, codes: 0 };
  for (let n = await stores.residentResealing.indexUnderRegionKeys(500); n > 0; n = await stores.residentResealing.indexUnderRegionKeys(500)) moved.residents += n;
  for (let n = await stores.reclaims.indexUnderRegionKeys(500); n > 0; n = await stores.reclaims.indexUnderRegionKeys(500)) moved.reclaims += n;
  const regionOf = async (phone: string) => (await stores.residentLookups.findByPhone(phone))?.region;
  for (let n = await stores.outbox.indexUnderRegionKeys(500, regionOf); n > 0; n = await stores.outbox.indexUnderRegionKeys(500, regionOf)) moved.outbox += n;
  moved.codes = await stores.signIn.deleteUnprefixedSignInCodes([REGION_INDEX_PREFIX, UNPLACED_INDEX_PREFIX]);
  if (Object.values(moved).some((n) => n > 0)) logger.info(moved, "blind indexes moved under their districts' keys");
  // Asked again over every row, not taken from the counts: what look-ups then stop matching rests on it.
  if (!(await stores.residentResealing.proveIndexesMoved())) logger.warn("residents' or messages' blind indexes from before district keys remain: look-ups keep matching them");
}

/** Opens the database, migrates it and wires the services: what every command needs. */
export async function openServices(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
  options: { signatureThreads?: number; /** By default HEALTHCODE_DECISION_THREADS. */ decisionThreads?: number; redis?: Redis; ensureKeys?: boolean } = {},
): Promise<{ services: Services; store: DatabaseHandle; fresh: boolean; close(): Promise<void> }> {
  const store = await openDatabase(config.database, {
    timeouts: config.databaseTimeouts,
    listen: true,
    onConnectionError: (error) => logger.warn({ err: { message: error.message } }, 'a database connection failed; the pool reconnects'),
  });
  try {
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ applied, engine: store.engine }, 'database migrated');
    const dataKey = await dataKeyFor(config, store, logger, clock.now().getTime());
    const regionKeyDir = config.regionKeyDir;
    const ctx = createContext({
        database: store,
        clock,
        dataKey,
        logger,
        signatureThreads: options.signatureThreads,
        decisionThreads: options.decisionThreads ?? config.decisionThreads,
        regionKeys: new FileRegionKeys(regionKeyDir),
        // Not made if missing: an unmounted escrow must stop a sunset's key step, not be made here.
        keyEscrow: config.keyEscrowDir === undefined ? undefined : new FileRegionKeys(config.keyEscrowDir, false),
        ...(options.redis && { limiter: new RedisRateLimiter(options.redis, clock, logger) }),
        // The parsed configuration itself: ServiceSettings picks the fields use cases read, by type.
        settings: config,
      });
    const services = createServices(ctx);
    await checkRegionKeys(ctx.stores, ctx.regionKeys, regionKeyDir, logger);
    await services.rules.ensureDefault();
    // Keys for every served region from the first start of the server (not of any other command: one
    // run without HEALTHCODE_REGIONS would make keys for every province, and the hub would refuse the list).
    if (options.ensureKeys) await services.keys.ensureKeys({ hub: config.federation.hub });
    for (const member of config.federation.hubMembers) await services.hub.bootstrapMember(member.id, member.url);
    const close = async () => {
      await ctx.signatures.close();
      await ctx.evaluations?.close();
      await store.close();
    };
    return { services, store, fresh: applied.includes('0001-foundation'), close };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Loads the demo residents where the configuration asks for them and they are not there yet. */
export async function loadDemoDataIfDue(config: Config, logger: Logger, services: Services, store: DatabaseHandle, fresh: boolean): Promise<void> {
  if (config.mode === 'production') return;
  if (config.demoData === 'on' || (config.demoData === 'auto' && store.engine === 'sqlite' && fresh)) {
    if (servingRegion(DEMO_REGION, config.operator.regions) === undefined) {
      logger.info({ operator: config.operator.id }, `no demo data: the demo residents live in ${DEMO_REGION}, which this operator does not serve`);
      return;
    }
    const demo = await loadDemoData(services);
    if (demo.loaded) logger.info({ residents: demo.phones.length }, 'demo data loaded (region 330110 Yuhang); the README lists the demo phones to sign in with');
    else logger.info('demo data is there from an earlier start; not loaded again');
  }
}

export interface ServerRole {
  /** Load demo data where due (a cluster's primary did it already for its workers). Default true. */
  demoData?: boolean;
  /** Run the scheduled jobs (one worker of a cluster does). Default true. */
  scheduledJobs?: boolean;
  /** One of a cluster's workers: its index, and how /metrics gathers every worker's figures. */
  cluster?: AppOptions['cluster'];
}

/** Opens everything, loads demo data where due, and starts listening. */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock, role: ServerRole = {}): Promise<RunningServer> {
  // Several processes count request limits together through Redis; one process counts in memory.
  const redis = config.redisUrl === undefined ? undefined : new Redis(config.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1 });
  redis?.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'Redis for request limits does not answer; limits are not counted until it does'));
  let opened;
  try {
    opened = await openServices(config, logger, clock, { signatureThreads: config.verifyThreads, redis, ensureKeys: true });
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
  const { services, store, fresh } = opened;
  try {
    // A run cut short is finished by the command, not here: it acts for two authorities and must
    // not run again in every process of a cluster at each restart, nor crash-loop the service when
    // a step fails (an unmounted key escrow). The service starts; the log names what finishes it.
    for (const s of await services.sunset.unfinished()) {
      logger.error({ sunsetId: s.id, region: s.region, step: s.status }, `the sunset of ${s.region} was approved and has not finished (it stopped at '${s.status}'): an authority finishes it with HEALTHCODE_STAFF_TOKEN=<their credential> healthcode sunset --region ${s.region}`);
    }
    if (role.demoData ?? true) await loadDemoDataIfDue(config, logger, services, store, fresh);
    const app = await buildApp({ services, bodyLimitBytes: config.bodyLimitBytes, protection: { limits: config.limits, shedding: config.shedding, redis, tlsTerminated: config.tlsTerminated }, trustProxyHops: config.trustProxyHops, cluster: role.cluster });
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    services.oauthServer.setOrigin(config.operator.publicUrl ?? url);
    services.notices.setOrigin(config.operator.publicUrl ?? url);
    const jobs = new ScheduledJobs(services, logger, config.retentionDays);
    if (role.scheduledJobs ?? true) jobs.start();
    return {
      app,
      store,
      url,
      drain: (boundMs, stoppedAccepting) => {
        jobs.stop();
        return app.drain.drain(boundMs, stoppedAccepting);
      },
      close: async () => {
        jobs.stop();
        await app.close();
        await redis?.quit().catch(() => undefined);
        await opened.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    await opened.close();
    throw error;
  }
}
