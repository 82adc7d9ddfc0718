import { setTimeout } from 'node:timers/promises';
import type { Insertable } from 'kysely';
import { DEFAULT_CACHE_ENTRIES } from '../src/config.js';
import { maskName } from '../src/domain/masking.js';
import { buildApp } from '../src/http/app.js';
import type { ServiceContext } from '../src/services/context.js';
import type { Services } from '../src/services/services.js';
import type { Engine } from '../src/store/database.js';
import type { Database, DeclarationsTable, ResidentsTable, ResidentStatusTable } from '../src/store/schema.js';
import { UNLIMITED } from '../test/support/harness.js';
import { benchServices, syntheticResident } from './bench-support.js';

const MB = 2 ** 20;
/** Rows written per transaction while seeding, and per statement (SQLite's and PostgreSQL's parameter limits both allow it). */
const SEED_CHUNK = 2000;
const SEED_STATEMENT = 500;

/** The n-th seeded resident's id: made from n, so the run holds no list of a million ids that the heap would count. */
export const seededResidentId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface Measured {
  /** After a collection, once the pages it freed are returned. */
  rss: number;
  /** Before that collection: what the process holds as it runs, garbage not yet collected included. */
  working: number;
  heap: number;
  heapTotal: number;
  external: number;
}

/**
 * Memory of one process after `residents` distinct residents have each signed in and viewed their
 * code once, with the caches at `cacheEntries` (by default the default bound, as a server runs).
 *
 * The residents are seeded straight into the database (SQLite on a file, or a PostgreSQL schema), as
 * the decision bench seeds its population: each with a healthy declaration and a stored green decision
 * copied from one resident registered, declared and shown a code through the services first (so it is
 * the decision the engine made, under the governing rule set, valid for the run). Their names are
 * sealed under their own context, and no decision keeps a masked name yet, as after the night's
 * re-decision: each first view opens the sealed name and keeps the masked one. The other personal
 * fields, which no code view reads, are placeholders.
 *
 * Each resident then signs in (a session written by `services.signIn`) and views their code through
 * the code route itself (`app.inject` on the app a server builds): the bearer token checked, the
 * route's read-along, its response serializer and its body cache. That fills every cache a code view
 * fills, as the route fills it: tokens checked and sessions (SignInService), codes shown
 * (HealthCodesService), bodies (by the code shown, as the route's serializer built them and as sending
 * leaves them: Fastify's content-length flattens the string), facts' origin (MovingService), and per
 * region the rule evaluators, signing keys and index keys. Calling the services beside the route had
 * missed the facts' origin (kept only with the watermark the route's read-along takes) and kept
 * JSON.stringify's bodies, ropes sharing the token's string (250 B each against the route's 1.2 kB).
 *
 * RSS, heap and external memory after collections (run with `node --expose-gc`, else `gc_forced` is
 * 0 and the figures are noisier) before the first view (the baseline: everything seeded, nothing
 * cached) and at each tenth of the residents: past the caches' bounds they should stay level. Beside
 * them the RSS before each collection and the process's highest RSS (`rss_mb_max`): what it holds as
 * it runs, uncollected garbage included, bounded by how far V8 lets the heap grow between collections.
 */
export async function codeMemoryBench(engine: Engine, residents: number, cacheEntries = DEFAULT_CACHE_ENTRIES): Promise<Record<string, number>> {
  const { services, ctx, dispose } = await benchServices(engine, undefined, 0, cacheEntries);
  // No limits: one address asks for every resident's code.
  const app = await buildApp({ services, bodyLimitBytes: 1024 * 1024, protection: { limits: UNLIMITED } });
  const prefix = `code_view_memory.${engine}`;
  const figures: Record<string, number> = { [`${prefix}.residents`]: residents, [`${prefix}.cache_entries`]: cacheEntries, [`${prefix}.default_cache_entries`]: DEFAULT_CACHE_ENTRIES };
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = async (): Promise<Measured> => {
    const working = process.memoryUsage().rss;
    // One collection leaves what only a later turn of the event loop lets go (finalizers, weak
    // callbacks, buffers' memory swept in the background): collect again, a turn apart, until the
    // heap and external memory stop falling. V8 also hands the pages a collection freed back to the
    // system from a background thread: RSS read at once still counts them (hundreds of MB at a million
    // residents). Read it once it stops falling too.
    const used = () => process.memoryUsage();
    gc?.();
    let { rss, heapUsed, heapTotal, external } = used();
    for (let tries = 0; tries < 40; tries += 1) {
      await setTimeout(250);
      gc?.();
      const now = used();
      const falling = rss - now.rss >= MB || heapUsed - now.heapUsed >= MB || external - now.external >= MB;
      ({ rss, heapUsed, heapTotal, external } = now);
      if (!falling) break;
    }
    return { rss: Math.round(rss / MB), working: Math.round(working / MB), heap: Math.round(heapUsed / MB), heapTotal: Math.round(heapTotal / MB), external: Math.round(external / MB) };
  };
  const log = (line: string) => process.stdout.write(`  ${line}\n`);
  try {
    const atStart = await measure();
    const seedStarted = performance.now();
    await seed(services, ctx, residents, log);
    figures[`${prefix}.seed_seconds`] = Math.round((performance.now() - seedStarted) / 1000);

    const view = async (i: number) => {
      const id = seededResidentId(i);
      const session = await services.signIn.sessionFor(id, services.clock.now().getTime());
      const response = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: { authorization: `Bearer ${session.token}` } });
      if (response.statusCode !== 200) throw new Error(`resident ${i}'s code view answered ${response.statusCode}: ${response.body}`);
      return response.body;
    };
    // One view first, outside the figures, to check that the seeded rows serve a code: green, with the sealed name opened.
    const first = JSON.parse(await view(0)) as { colour: string; maskedName: string };
    if (first.colour !== 'green' || first.maskedName !== maskName(seededName(0))) throw new Error(`the first seeded resident's code shows ${first.colour}, ${first.maskedName}`);

    const before = await measure();
    figures[`${prefix}.rss_mb_at_start`] = atStart.rss;
    figures[`${prefix}.rss_mb_before_views`] = before.rss;
    figures[`${prefix}.heap_mb_before_views`] = before.heap;
    log(`seeded ${residents} residents in ${figures[`${prefix}.seed_seconds`]} s: rss ${before.rss} MB, heap ${before.heap} MB`);
    const step = Math.max(1, Math.floor(residents / 10));
    const tenths: ({ viewed: number } & Measured)[] = [];
    const started = performance.now();
    for (let i = 1; i <= residents; i += 1) {
      if (i < residents) await view(i);
      if (i % step === 0 && tenths.length < 10) {
        const m = await measure();
        tenths.push({ viewed: i, ...m });
        const tenth = tenths.length;
        figures[`${prefix}.tenth_${tenth}.viewed`] = i;
        figures[`${prefix}.tenth_${tenth}.rss_mb`] = m.rss;
        figures[`${prefix}.tenth_${tenth}.rss_mb_working`] = m.working;
        figures[`${prefix}.tenth_${tenth}.heap_mb`] = m.heap;
        figures[`${prefix}.tenth_${tenth}.heap_total_mb`] = m.heapTotal;
        figures[`${prefix}.tenth_${tenth}.external_mb`] = m.external;
        log(`${i} residents viewed: rss ${m.rss} MB (${m.working} MB before the collection), heap ${m.heap} MB of ${m.heapTotal} MB, external ${m.external} MB, ${Math.round((performance.now() - started) / 1000)} s`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const last = tenths.at(-1) ?? { viewed: residents, ...(await measure()) };
    figures[`${prefix}.rss_mb_at_end`] = last.rss;
    figures[`${prefix}.heap_mb_at_end`] = last.heap;
    figures[`${prefix}.rss_mb_peak`] = Math.max(before.rss, ...tenths.map((m) => m.rss));
    // The most the process ever held, between collections too (the kernel's high-water mark).
    figures[`${prefix}.rss_mb_max`] = Math.round((process.resourceUsage().maxRSS * 1024) / MB);
    // Against the baseline of this run: the same process, everything seeded, nothing cached.
    figures[`${prefix}.rss_ratio_end_to_before_views`] = Math.round((last.rss / before.rss) * 1000) / 1000;
    figures[`${prefix}.heap_ratio_end_to_before_views`] = Math.round((last.heap / before.heap) * 1000) / 1000;
    // Level past the bound: growth from the first tenth at twice the bound (every cache full and turned over once) to the end.
    const full = tenths.find((m) => m.viewed >= 2 * cacheEntries);
    if (full !== undefined && full !== last) {
      figures[`${prefix}.past_bound_from_viewed`] = full.viewed;
      figures[`${prefix}.rss_mb_growth_past_bound`] = last.rss - full.rss;
      figures[`${prefix}.heap_mb_growth_past_bound`] = last.heap - full.heap;
    }
    // What one cached resident holds: the heap's growth until the caches first fill.
    const filled = tenths.find((m) => m.viewed >= cacheEntries);
    if (filled !== undefined && cacheEntries > 0) figures[`${prefix}.heap_bytes_per_cached_resident`] = Math.round(((filled.heap - before.heap) * MB) / Math.min(filled.viewed, cacheEntries));
    figures[`${prefix}.gc_forced`] = gc === undefined ? 0 : 1;
    figures[`${prefix}.seconds`] = Math.round(seconds);
    figures[`${prefix}.views_per_second`] = Math.round(residents / seconds);
    return figures;
  } finally {
    await app.close();
    await dispose();
  }
}

const seededName = (n: number) => `居民${n}`;

/**
 * Writes `count` residents (seededResidentId) with a declaration and the stored decision a template
 * resident's first view made, SEED_CHUNK to a transaction.
 */
async function seed(services: Services, ctx: ServiceContext, count: number, log: (line: string) => void): Promise<void> {
  const now = ctx.clock.now().getTime();
  const template = await services.residents.register(syntheticResident(count), { phoneVerifiedAt: now });
  await services.declarations.declare(template.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  await services.healthCodes.view(template.id);
  const db = ctx.database.db;
  const status = await db.selectFrom('resident_status').selectAll().where('resident_id', '=', template.id).executeTakeFirstOrThrow();
  const declaration = await db.selectFrom('declarations').selectAll().where('resident_id', '=', template.id).executeTakeFirstOrThrow();
  if (status.colour !== 'green' || status.valid_until === null || status.valid_until < now + 3_600_000) throw new Error(`the template's decision (${status.colour}, valid until ${status.valid_until}) would not serve the run`);
  for (let from = 0; from < count; from += SEED_CHUNK) {
    const ids = Array.from({ length: Math.min(SEED_CHUNK, count - from) }, (_, k) => from + k);
    const people: Insertable<ResidentsTable>[] = ids.map((n) => {
      const id = seededResidentId(n);
      return { id, id_index: `bench-memory-${n}`, identity_enc: 'x', name_enc: ctx.cipher.encrypt(seededName(n), `resident:${id}:name`), phone_index: null, phone_enc: null, address_region: '330110', address_enc: 'x', phone_verified_at: now, created_at: now, updated_at: now };
    });
    const declared: Insertable<DeclarationsTable>[] = ids.map((n) => ({ ...declaration, id: `${seededResidentId(n)}-d`, resident_id: seededResidentId(n) }));
    const decided: Insertable<ResidentStatusTable>[] = ids.map((n) => ({ ...status, resident_id: seededResidentId(n), masked_name: null }));
    await db.transaction().execute(async (trx) => {
      for (const [table, rows] of [['residents', people], ['declarations', declared], ['resident_status', decided]] as [keyof Database, object[]][]) {
        for (let k = 0; k < rows.length; k += SEED_STATEMENT) await trx.insertInto(table).values(rows.slice(k, k + SEED_STATEMENT) as never).execute();
      }
    });
    if ((from / SEED_CHUNK) % 50 === 49) log(`seeded ${from + ids.length}`);
  }
}
