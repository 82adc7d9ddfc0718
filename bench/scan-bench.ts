import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sql, type Insertable } from 'kysely';
import { createContext } from '../src/services/context.js';
import { createServices } from '../src/services/services.js';
import { DAY_MS, FixedClock } from '../src/domain/clock.js';
import type { Services } from '../src/services/services.js';
import type { Engine } from '../src/store/database.js';
import { ScansStore, type ScanRow } from '../src/store/checkpoints/scans-store.js';
import type { ResidentsTable } from '../src/store/schema.js';
import { benchServices, syntheticResident, throughput } from './bench-support.js';

const NOW = '2026-11-20T10:00:00+08:00';

/** Bare node:crypto Ed25519 verification on `threads` worker threads at once for 2 s, summed: what all cores can check. */
async function bareVerificationsPerSecond(threads: number): Promise<number> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const { generateKeyPairSync, sign, verify, randomBytes } = require('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const data = randomBytes(180);
    const signature = sign(null, data, privateKey);
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < 2000) { verify(null, data, publicKey, signature); n += 1; }
    parentPort.postMessage(n / ((performance.now() - started) / 1000));
  `;
  const rates = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => new Worker(source, { eval: true }).once('message', resolve).once('error', reject))),
  );
  return Math.round(rates.reduce((a, b) => a + b, 0));
}
const BATCH = 1000;

const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

/** Batches of BATCH scans, `concurrency` uploads at once; scans per second. */
async function scansPerSecond(batches: number, concurrency: number, upload: (b: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await throughput(batches, concurrency, upload);
  return Math.round((batches * BATCH) / ((performance.now() - started) / 1000));
}

async function gate(services: Services) {
  const venue = await services.venues.registerVenue({ name: '武林门码头', type: 'subway_station', region: '330105', address: '环城北路', latitude: 30.28, longitude: 120.16, operator: '杭州地铁' });
  const { token } = await services.venues.registerCheckpointDevice(venue.id, 'bench gate');
  return services.venues.authenticateCheckpointDevice(token);
}

/**
 * Scans per second through `recordScans` in batches of 1000: each token verified (Ed25519) and the
 * batch stored in one statement; and the storing alone, to show where the time goes.
 */
export async function scanIngestionBench(engine: Engine, batches: number): Promise<Record<string, number>> {
  const clock = new FixedClock(NOW);
  const threads = availableParallelism();
  const { services, ctx, dataKey, dispose } = await benchServices(engine, clock);
  // The same database and key, its signature checks on `threads` worker threads.
  const threadedCtx = createContext({ database: ctx.database, clock, dataKey, regionKeys: ctx.regionKeys.backend, logger: ctx.logger, settings: ctx.settings, signatureThreads: threads });
  const threaded = createServices(threadedCtx);
  try {
    await services.scans.purge(28); // PostgreSQL: today's partition exists, as in a running server
    const device = await gate(services);
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) tokens.push((await services.healthCodes.issue((await services.residents.register(syntheticResident(i))).id)).token);
    const scannedAt = new Date(clock.now().getTime() + 30_000).toISOString();
    const batchOf = (b: number) => Array.from({ length: BATCH }, (_, i) => ({ scanId: `b${b}-${i}`, token: tokens[(b * BATCH + i) % tokens.length]!, scannedAt }));
    await services.scans.recordScans(device, batchOf(10 * batches), 'offline');
    const verifiedSequential = await scansPerSecond(batches, 1, (b) => services.scans.recordScans(device, batchOf(b), 'offline'));
    const verifiedParallel = await scansPerSecond(batches, 4, (b) => services.scans.recordScans(device, batchOf(batches + b), 'offline'));
    await threaded.scans.recordScans(device, batchOf(11 * batches), 'offline');
    const threadedSequential = await scansPerSecond(batches, 1, (b) => threaded.scans.recordScans(device, batchOf(2 * batches + b), 'offline'));
    const threadedParallel = await scansPerSecond(batches, 4, (b) => threaded.scans.recordScans(device, batchOf(3 * batches + b), 'offline'));
    const bare = await bareVerificationsPerSecond(threads);

    const store = new ScansStore(ctx.database.db, engine);
    const now = clock.now().getTime();
    const rowsOf = (b: number): ScanRow[] =>
      Array.from({ length: BATCH }, (_, i) => ({ id: `raw:${b}-${i}`, device_id: device.id, scan_id: `${b}-${i}`, venue_id: device.venueId, resident_id: `r${i}`, scanned_at: now - i, colour: 'green', admitted: 1, reason: 'allowed', method: 'offline', received_at: now, time_flag: null }));
    const storedSequential = await scansPerSecond(batches, 1, (b) => store.insertNew(rowsOf(b)));
    const storedParallel = await scansPerSecond(batches, 4, (b) => store.insertNew(rowsOf(batches + b)));
    return {
      [`scan_ingestion.${engine}.verified_scans_per_s`]: verifiedSequential,
      [`scan_ingestion.${engine}.verified_scans_per_s_4_uploads_at_once`]: verifiedParallel,
      [`scan_ingestion.${engine}.stored_scans_per_s`]: storedSequential,
      [`scan_ingestion.${engine}.stored_scans_per_s_4_uploads_at_once`]: storedParallel,
      [`scan_ingestion.${engine}.verify_threads`]: threads,
      [`scan_ingestion.${engine}.threaded_verified_scans_per_s`]: threadedSequential,
      [`scan_ingestion.${engine}.threaded_verified_scans_per_s_4_uploads_at_once`]: threadedParallel,
      [`scan_ingestion.${engine}.bare_ed25519_verifies_per_s_all_cores`]: bare,
      [`scan_ingestion.${engine}.threaded_ratio_to_bare_all_cores`]: round(Math.max(threadedSequential, threadedParallel) / bare, 2),
    };
  } finally {
    await threadedCtx.signatures.close();
    await dispose();
  }
}

/**
 * A trace over a city's fortnight: `residents` residents, `venues` venues, scans spread at random
 * over 14 days, and one case with 20 visits. The trace is timed as the table grows to each size in
 * `sizes`, to show its cost follows the case's visits and their neighbours, not the table.
 */
export async function traceBench(engine: Engine, sizes: number[], residents: number, venues: number): Promise<Record<string, number>> {
  const clock = new FixedClock(NOW);
  const { services, ctx, dispose } = await benchServices(engine, clock);
  try {
    const db = ctx.database.db;
    const now = clock.now().getTime();
    const from = now - 14 * DAY_MS;
    await services.scans.purge(28);
    const loadStarted = performance.now();
    await db.insertInto('venues').values({ id: 'v0', name: '湖滨银泰 in77', type: 'mall', region_code: '330102', address: '延安路 258 号', latitude: 30.26, longitude: 120.16, operator: '银泰商业', created_at: now }).execute();
    if (engine === 'postgres') {
      await sql`insert into venues select 'v' || n, '场所 ' || n, 'supermarket', '330110', '地址 ' || n, 30.3, 120.1, '经营者', ${now} from generate_series(1, ${venues - 1}::int) n`.execute(db);
    } else {
      await sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(venues - 1)}) insert into venues select 'v' || n, '场所 ' || n, 'supermarket', '330110', '地址 ' || n, 30.3, 120.1, '经营者', ${now} from s`.execute(db);
    }
    // Names are encrypted as registration would, since the contact list shows them masked.
    const cipher = ctx.cipher;
    for (let i = 0; i < residents; i += 1000) {
      const rows: Insertable<ResidentsTable>[] = [];
      for (let n = i; n < Math.min(i + 1000, residents); n++) {
        const id = `r${n}`;
        rows.push({ id, id_index: `bench-${n}`, identity_enc: 'x', name_enc: cipher.encrypt(`居民${n}`, `resident:${id}:name`), phone_index: null, phone_enc: null, address_region: '330110', address_enc: 'x', phone_verified_at: now, created_at: now, updated_at: now });
      }
      await db.transaction().execute(async (trx) => {
        for (let k = 0; k < rows.length; k += 250) await trx.insertInto('residents').values(rows.slice(k, k + 250)).execute();
      });
    }
    const caseId = (await services.residents.register(syntheticResident(1))).id;
    // The case, at the mall v0 and 19 other venues, one visit a day or so.
    await db
      .insertInto('scans')
      .values(Array.from({ length: 20 }, (_, i) => ({ id: `case:${i}`, device_id: 'd', scan_id: `${i}`, venue_id: i === 0 ? 'v0' : `v${1 + ((i * 997) % (venues - 1))}`, resident_id: caseId, scanned_at: from + i * 16 * 3_600_000 + 11 * 3_600_000, colour: 'green', admitted: 1, reason: 'allowed', method: 'online', received_at: now })))
      .execute();
    const tracer = await services.staff.create('bench tracer', 'tracer');
    const authority = await services.staff.create('bench authority', 'authority');

    const figures: Record<string, number> = {};
    let loaded = 0;
    for (const size of sizes) {
      const chunk = 500_000;
      for (; loaded < size; loaded += chunk) {
        const count = Math.min(chunk, size - loaded);
        const span = 14 * DAY_MS;
        if (engine === 'postgres') {
          await sql`insert into scans select 'bench:' || n, 'd', n::text, 'v' || (random() * ${venues - 1})::int, 'r' || (1 + (random() * ${residents - 2})::int), ${from} + (random() * ${span})::bigint, 'green', 1, 'allowed', 'online', ${now} from generate_series(${loaded + 1}::int, ${loaded + count}::int) n`.execute(db);
        } else {
          // Literals, not parameters: better-sqlite3 binds a JS number as REAL, and 'v' || 15.0 is not v15.
          await sql`with recursive s(n) as (select ${sql.lit(loaded + 1)} union all select n + 1 from s where n < ${sql.lit(loaded + count)}) insert into scans select 'bench:' || n, 'd', n, 'v' || (abs(random()) % ${sql.lit(venues)}), 'r' || (1 + abs(random()) % ${sql.lit(residents - 1)}), ${sql.lit(from)} + abs(random()) % ${sql.lit(span)}, 'green', 1, 'allowed', 'online', ${sql.lit(now)} from s`.execute(db);
        }
      }
      if (engine === 'postgres') await sql`analyze scans`.execute(db);
      const timings: number[] = [];
      let contacts = 0;
      for (let run = 0; run < 5; run++) {
        const grant = await services.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: 'bench', residentId: caseId, hours: 1 });
        const started = performance.now();
        const trace = await services.tracing.open(tracer, { caseResidentId: caseId, from: new Date(from).toISOString(), to: new Date(now).toISOString(), grantId: grant.id });
        timings.push(performance.now() - started);
        contacts = trace.contacts.length;
      }
      timings.sort((a, b) => a - b);
      const label = `${size / 1_000_000}M_scans`;
      figures[`trace.${engine}.${label}.ms_median`] = round(timings[2]!, 1);
      figures[`trace.${engine}.${label}.contacts`] = contacts;
    }
    figures[`trace.${engine}.case_visits`] = 20;
    figures[`trace.${engine}.venues`] = venues;
    figures[`trace.${engine}.residents`] = residents;
    figures[`trace.${engine}.overlap_window_minutes_mall`] = (await services.venues.policy('mall')).overlapMinutes;
    figures[`trace.${engine}.setup_seconds`] = round((performance.now() - loadStarted) / 1000, 1);
    return figures;
  } finally {
    await dispose();
  }
}
