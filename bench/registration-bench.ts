import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { checkRegistration } from '../src/domain/resident.js';
import type { Engine } from '../src/store/database.js';
import type { SealedResidentRow } from '../src/store/residents/residents-store.js';
import { TEST_POSTGRES_URL } from '../test/support/engines.js';
import { benchServices, syntheticResident, throughput } from './bench-support.js';

/** The rounds registration and the bare insert take turns in; the figures are their medians. */
const ROUNDS = 5;
/** The service's pool on PostgreSQL (openTestStore): the baseline gets no more connections than it. */
const POSTGRES_POOL = 4;
/** Residents of the bare inserts are numbered apart from the registered ones, so no index collides. */
const BARE_OFFSET = 5_000_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU µs (user and system) this process spent since `since`, per one of `count` operations. */
const cpuMicrosEach = (since: NodeJS.CpuUsage, count: number) => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / count);
};

/**
 * The baseline: a resident's very row (sealed and indexed by the store, ahead of the clock) written
 * into the same `residents` table of the same database, with its indexes and the engine's settings,
 * one INSERT statement each, each its own transaction, straight through the driver. Checked as the
 * fair floor: the same row size, table, indexes, WAL and synchronous setting, and one commit per row,
 * as registration has; all registration does beyond it (validation, sealing, blind indexes, the
 * look-up across districts and the sunset check in its statement, moving the phone's records) is
 * what the ratio measures.
 */
interface BareInserter {
  insert(row: SealedResidentRow): Promise<unknown>;
  close(): Promise<void>;
}

async function bareInserter(location: Awaited<ReturnType<typeof benchServices>>['location']): Promise<BareInserter> {
  const columns = ['id', 'id_index', 'identity_enc', 'name_enc', 'phone_index', 'phone_enc', 'address_region', 'address_enc', 'phone_verified_at', 'created_at', 'updated_at'] as const;
  const values = (row: SealedResidentRow) => columns.map((column) => row[column]);
  if (location.kind === 'sqlite') {
    // A second connection to the same file, set up as openDatabase sets up the service's.
    const raw = new BetterSqlite3(location.path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const statement = raw.prepare(`insert into residents (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    return { insert: async (row) => statement.run(...values(row)), close: async () => void raw.close() };
  }
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: POSTGRES_POOL, options: `-c search_path=${location.schema}` });
  const text = `insert into residents (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  return { insert: (row) => pool.query(text, values(row)), close: () => pool.end() };
}

/**
 * Registrations per second through the service layer (validation, the ended-region check,
 * encryption under the district key, blind indexes, the insert and the phone's records), beside bare
 * inserts of the same rows into the same table. The two take turns, ROUNDS times on the same
 * database, so that the load of this shared machine and the table's growth fall on both; each
 * figure is the median of its rounds, the ratio the median of the rounds' ratios.
 */
export async function registrationBench(engine: Engine, count: number): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const perRound = Math.floor(count / 2 / ROUNDS);
  let next = 0;
  for (const concurrency of [1, 8]) {
    const label = concurrency === 1 ? 'sequential' : `concurrency_${concurrency}`;
    const bench = await benchServices(engine);
    const bare = await bareInserter(bench.location);
    try {
      const now = bench.ctx.clock.now().getTime();
      const bareRows = (n: number) =>
        Array.from({ length: n }, () => {
          const i = BARE_OFFSET + next++;
          return bench.ctx.stores.residents.sealedRow(bench.ctx.newId(), checkRegistration(syntheticResident(i), bench.ctx.clock.now(), true), now);
        });
      const register = (n: number) => {
        const first = next;
        next += n;
        return throughput(n, concurrency, (i) => bench.services.residents.register(syntheticResident(first + i)));
      };
      const insertAll = (rows: SealedResidentRow[]) => throughput(rows.length, concurrency, (i) => bare.insert(rows[i]!));
      // Warm-up: compiled code, prepared statements and open connections on both sides.
      await register(50);
      await insertAll(bareRows(50));
      const registrations: number[] = [];
      const bares: number[] = [];
      const ratios: number[] = [];
      const registrationCpu: number[] = [];
      const bareCpu: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const rows = bareRows(perRound);
        let cpu = process.cpuUsage();
        const registered = await register(perRound);
        registrationCpu.push(cpuMicrosEach(cpu, perRound));
        cpu = process.cpuUsage();
        const inserted = await insertAll(rows);
        bareCpu.push(cpuMicrosEach(cpu, perRound));
        registrations.push(registered);
        bares.push(inserted);
        ratios.push(registered / inserted);
      }
      figures[`registrations_per_second.${engine}.${label}`] = median(registrations);
      figures[`registrations_bare_insert_per_second.${engine}.${label}`] = median(bares);
      figures[`registrations_ratio_to_bare_insert.${engine}.${label}`] = Math.round(median(ratios) * 1000) / 1000;
      // This process's CPU per row (on PostgreSQL the database's own is not in it): on a shared machine it moves far less than the rates.
      figures[`registrations_cpu_us.${engine}.${label}`] = median(registrationCpu);
      figures[`registrations_bare_insert_cpu_us.${engine}.${label}`] = median(bareCpu);
    } finally {
      await bare.close();
      await bench.dispose();
    }
  }
  return figures;
}
