import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { FixedClock } from '../../src/domain/clock.js';
import { buildApp } from '../../src/http/app.js';
import type { DatabaseTimeouts, RequestLimits } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createContext, type ServiceContext, type ServiceSettings } from '../../src/services/context.js';
import { createServices, type Services } from '../../src/services/services.js';
import type { Engine } from '../../src/store/database.js';
import { afterEach, beforeEach, describe } from 'node:test';
import { ENGINES, openTestStore, type OpenedStore } from './engines.js';

/** Request limits too high to reach: tests of other things send many requests from one address. */
export const UNLIMITED: RequestLimits = {
  signInCodesPerAddressPerMinute: 1e9,
  signInCodesPerMinute: 1e9,
  registrationsPerAddressPerHour: 1e9,
  verificationsPerCheckpointDevicePerMinute: 1e9,
  importsPerStaffPerHour: 1e9,
  dependentsPerResidentPerDay: 1e9,
  dependentsPerAddressPerHour: 1e9,
  signInAttemptsPerAddressPerHour: 1e9,
  idLookupsPerCheckpointDevicePerHour: 1e9,
  idLookupsPerVenuePerHour: 1e9,
  cardLookupsPerStaffPerHour: 1e9,
  checkpointDevicesPerVenuePerDay: 1e9,
};

/** A fixed "now" for every test: Friday 20 November 2026, 10:00 in Hangzhou. */
export const NOW = '2026-11-20T10:00:00+08:00';

export interface Harness {
  engine: Engine;
  clock: FixedClock;
  services: Services;
  /** What the services are wired to: for tests that read what a service stored (the SMS outbox). */
  ctx: ServiceContext;
  opened: OpenedStore;
  dataKey: Buffer;
  /** Every log line written so far, as text. */
  logs: string[];
  app(): Promise<FastifyInstance>;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  now?: string;
  mode?: 'development' | 'production';
  /** Settings beyond the defaults: an operator's regions, federation. */
  settings?: Partial<ServiceSettings>;
  /** Database timeouts beyond the defaults: see `RACING`. */
  databaseTimeouts?: Partial<DatabaseTimeouts>;
}

/**
 * For a suite that sends hundreds of requests at once. Each waits for one of the test's four pooled
 * connections as long as it takes (pg's 0: no deadline), so a slow, shared machine makes the race take
 * longer but never cuts it short: with the default 3 s wait, requests queued behind the others were
 * answered 503 after their use had been counted, and a bound looked short of its limit.
 */
export const RACING: HarnessOptions = { databaseTimeouts: { connectMs: 0 } };

export async function createHarness(engine: Engine, options: HarnessOptions = {}): Promise<Harness> {
  const opened = await openTestStore(engine, { timeouts: options.databaseTimeouts });
  const clock = new FixedClock(options.now ?? NOW);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const dataKey = randomBytes(32);
  const ctx = createContext({
    database: opened.store,
    clock,
    dataKey,
    logger: createLogger('info', sink),
    settings: { mode: options.mode ?? 'production', timeZone: 'Asia/Shanghai', sessionTtlSeconds: 3600, signInCodeTtlSeconds: 300, tokenTtlSeconds: 300, ...options.settings },
  });
  const services = createServices(ctx);
  await services.rules.ensureDefault();
  let app: FastifyInstance | undefined;
  return {
    engine,
    clock,
    services,
    ctx,
    opened,
    dataKey,
    logs,
    app: async () => {
      // Limits are tested on their own (test/http/protection.test.ts); here they stay out of the way.
      app ??= await buildApp({ services, bodyLimitBytes: 64 * 1024, protection: { limits: UNLIMITED } });
      return app;
    },
    dispose: async () => {
      await app?.close();
      await opened.dispose();
    },
  };
}

/**
 * Declares the same suite once per database engine, each with a fresh harness per test, so one
 * test's data never leaks into another's.
 */
export function describeOnEachEngine(title: string, suite: (harness: () => Harness) => void, options: HarnessOptions = {}): void {
  for (const engine of ENGINES) describeOnEngine(engine, title, suite, options);
}

/** One engine's suite, for a file too long to hold both within one file's time (skipped where the engine is not tested). */
export function describeOnEngine(engine: Engine, title: string, suite: (harness: () => Harness) => void, options: HarnessOptions = {}): void {
  (ENGINES.includes(engine) ? describe : describe.skip)(`${title} [${engine}]`, () => {
    let current: Harness | undefined;
    beforeEach(async () => {
      current = await createHarness(engine, options);
    });
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });
    suite(() => {
      if (!current) throw new Error('harness used outside a test');
      return current;
    });
  });
}
