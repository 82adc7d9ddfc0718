import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { RequestLimits } from '../src/config.js';
import { systemClock, type Clock } from '../src/domain/clock.js';
import { mod11_2CheckCharacter } from '../src/domain/identity/check-digits.js';
import type { RegistrationInput } from '../src/domain/resident.js';
import { createContext, type ServiceContext } from '../src/services/context.js';
import { createServices, type Services } from '../src/services/services.js';
import type { Engine } from '../src/store/database.js';
import { openTestStore, type OpenedStore } from '../test/support/engines.js';

/** A migrated scratch database and services on it, silent, with the real clock. */
export async function benchServices(engine: Engine, clock: Clock = systemClock, signatureThreads = 0, cacheEntries?: number, limits?: RequestLimits): Promise<{ services: Services; ctx: ServiceContext; dataKey: Buffer; location: OpenedStore['location']; dispose: () => Promise<void> }> {
  const opened = await openTestStore(engine);
  const dataKey = randomBytes(32);
  const ctx = createContext({
    database: opened.store,
    clock,
    dataKey,
    logger: pino({ level: 'silent' }),
    signatureThreads,
    // HEALTHCODE_BENCH_DECISION_THREADS: re-decision chunks evaluated on that many worker threads (0, the default: on the main thread).
    decisionThreads: Number(process.env.HEALTHCODE_BENCH_DECISION_THREADS ?? 0),
    settings: { mode: 'production', timeZone: 'Asia/Shanghai', sessionTtlSeconds: 3600, signInCodeTtlSeconds: 300, tokenTtlSeconds: 300, ...(cacheEntries !== undefined ? { cacheEntries } : {}), ...(limits !== undefined ? { limits } : {}) },
  });
  const services = createServices(ctx);
  await services.rules.ensureDefault();
  // As a server's start does once it has moved every index from before district keys (none here).
  await ctx.stores.residentResealing.proveIndexesMoved();
  return {
    services,
    ctx,
    dataKey,
    location: opened.location,
    dispose: async () => {
      await ctx.signatures.close();
      await ctx.evaluations?.close();
      await opened.dispose();
    },
  };
}

/** The n-th of many distinct, valid residents of Yuhang. */
export function syntheticResident(n: number): RegistrationInput {
  const born = new Date(Date.UTC(1950, 0, 1) + (n % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `330110${born}${String(Math.floor(n / 20_000) % 1000).padStart(3, '0')}`;
  return {
    name: `居民${n}`,
    idType: 'resident_id',
    idNumber: first17 + mod11_2CheckCharacter(first17),
    phone: `139${String(n).padStart(8, '0')}`,
    address: { region: '330110', detail: `五常街道 ${n % 500} 号 ${n % 30} 幢` },
  };
}

/** Runs `task` for `count` items with `concurrency` in flight; its seconds and items per second. */
export async function timed(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<{ seconds: number; perSecond: number }> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, perSecond: Math.round(count / seconds) };
}

/** Runs `task` for `count` items with `concurrency` in flight; returns operations per second. */
export async function throughput(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  return (await timed(count, concurrency, task)).perSecond;
}
