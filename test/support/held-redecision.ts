import pino from 'pino';
import { createContext } from '../../src/services/context.js';
import { createServices } from '../../src/services/services.js';
import { openDatabase } from '../../src/store/database.js';
import type { Harness } from './harness.js';

/**
 * Runs `first` until the store method `patch` installs pauses it (by awaiting `hold`), then
 * `meanwhile`, then lets `first` finish; the function `patch` returns puts the method back.
 */
async function heldWhile(patch: (hold: () => Promise<void>) => () => void, first: () => Promise<unknown>, meanwhile: () => Promise<unknown>): Promise<void> {
  let readDone!: () => void;
  const read = new Promise<void>((resolve) => (readDone = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const restore = patch(() => {
    readDone();
    return released;
  });
  try {
    const answered = first();
    // A first step that fails before it reads would leave the test waiting: its failure is met here.
    await Promise.race([read, answered]);
    await meanwhile().finally(release);
    await answered;
  } finally {
    restore();
  }
}

/**
 * Holds a re-decision of `id` between reading the resident's facts and saving what it decided (the
 * `nth` reading of their facts, the first by default), until `meanwhile` has run: the order two
 * requests (or a retry) can produce on a loaded server with several connections, forced rather than
 * hoped for.
 */
export async function readThenHeld(h: Harness, id: string, first: () => Promise<unknown>, meanwhile: () => Promise<unknown>, nth = 1): Promise<void> {
  const facts = h.ctx.stores.facts;
  const load = facts.load.bind(facts);
  let reads = 0;
  await heldWhile(
    (hold) => {
      facts.load = async (ids, now, toInstant) => {
        const loaded = await load(ids, now, toInstant);
        if (ids.includes(id) && ++reads === nth) await hold();
        return loaded;
      };
      return () => (facts.load = load);
    },
    first,
    meanwhile,
  );
}

/**
 * Holds the first re-decision `first` makes between reading the risk areas and saving what it
 * decided, until `meanwhile` has run: a risk area named between the two.
 */
export async function areasReadThenHeld(h: Harness, first: () => Promise<unknown>, meanwhile: () => Promise<unknown>): Promise<void> {
  const facts = h.ctx.stores.facts;
  const riskAreas = facts.riskAreas.bind(facts);
  let reads = 0;
  await heldWhile(
    (hold) => {
      facts.riskAreas = async (now) => {
        const areas = await riskAreas(now);
        if (++reads === 1) await hold();
        return areas;
      };
      return () => (facts.riskAreas = riskAreas);
    },
    first,
    meanwhile,
  );
}

/** A second server on the harness's database (its own connections, change feed and caches), as a second process would be. */
export async function secondServer(h: Harness) {
  const { location } = h.opened;
  const database = await openDatabase(h.opened.config, location.kind === 'postgres' ? { schema: location.schema, poolSize: 4 } : {});
  const ctx = createContext({ database, clock: h.clock, dataKey: h.dataKey, logger: pino({ level: 'silent' }), settings: { mode: 'production', timeZone: 'Asia/Shanghai', sessionTtlSeconds: 3600, signInCodeTtlSeconds: 300, tokenTtlSeconds: 300 } });
  return { services: createServices(ctx), close: () => database.close() };
}
