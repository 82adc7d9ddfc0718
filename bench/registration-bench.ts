import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_LIMITS } from '../src/config.js';
import { checkRegistration, type RegistrationInput } from '../src/domain/resident.js';
import type { Engine } from '../src/store/database.js';
import type { SealedResidentRow } from '../src/store/residents/residents-store.js';
import { TEST_POSTGRES_URL } from '../test/support/engines.js';
import { profiled } from './phase-profile.js';
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

/** Codes sent to everyone a minute, out of the way: the bench asks for thousands in seconds from one process. */
const BENCH_LIMITS = { ...DEFAULT_LIMITS, signInCodesPerMinute: 10_000_000 };
/** Registrations (and bare inserts) of each phase before any is timed. */
const WARM_UP = 200;

/** Registrations of the profiled pass (HEALTHCODE_BENCH_PROFILE=registration). */
const PROFILED = 2000;

/** A registration form as the resident app sends it: with the code sent to the phone and the ticket of its request. */
type Form = RegistrationInput & { code: string; ticket: string };

/**
 * Registrations per second along the API's path (RegistrationService.register, which
 * POST /api/v1/residents calls with the form: the form checked, the ended-region check, the code
 * proven and used up, the resident sealed and indexed under the district key and inserted, the
 * phone's earlier codes and messages moved under that key, a session opened and its token signed),
 * beside bare inserts of the same rows into the same table. HTTP is left out on both sides: the
 * baseline has none. Each code is asked for and read from the outbox (as the phone would) before the
 * round is timed: asking is a request of its own, with its SMS. Both phases (one at a time, 8 at
 * once) are warmed up before either is timed, and then take turns, registration and bare insert
 * alternating, ROUNDS times on the same database, so that JIT warm-up, the shared machine's load and
 * the table's growth fall on all four alike; each figure is the median of its rounds, the ratio the
 * median of the rounds' ratios.
 */
export async function registrationBench(engine: Engine, count: number): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const phases = [1, 8] as const;
  const perRound = Math.floor(count / phases.length / ROUNDS);
  const bench = await benchServices(engine, undefined, 0, undefined, BENCH_LIMITS);
  const bare = await bareInserter(bench.location);
  try {
    const { ctx, services } = bench;
    let next = 0;
    const forms = async (n: number): Promise<Form[]> => {
      const made: Form[] = [];
      for (let i = 0; i < n; i++) {
        const person = syntheticResident(next++);
        const { ticket } = await services.signIn.requestSignInCode(person.phone!);
        const code = /\b(\d{6})\b/.exec((await services.signIn.lastMessageTo(person.phone!)) ?? '')?.[1];
        if (code === undefined) throw new Error(`no code was sent to ${person.phone}`);
        made.push({ ...person, code, ticket });
      }
      return made;
    };
    const bareRows = (n: number) =>
      Array.from({ length: n }, () => {
        const i = BARE_OFFSET + next++;
        return ctx.stores.residents.sealedRow(ctx.newId(), checkRegistration(syntheticResident(i), ctx.clock.now(), true), ctx.clock.now().getTime());
      });
    const registerAll = (all: Form[], concurrency: number) => throughput(all.length, concurrency, (i) => services.registration.register(all[i]!));
    const insertAll = (rows: SealedResidentRow[], concurrency: number) => throughput(rows.length, concurrency, (i) => bare.insert(rows[i]!));
    // Warm-up of both phases on both sides: compiled code, prepared statements, open connections.
    for (const concurrency of phases) {
      await registerAll(await forms(WARM_UP), concurrency);
      await insertAll(bareRows(WARM_UP), concurrency);
    }
    const measured = new Map(phases.map((c) => [c, { registrations: [] as number[], bares: [] as number[], ratios: [] as number[], registrationCpu: [] as number[], bareCpu: [] as number[] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const concurrency of phases) {
        const m = measured.get(concurrency)!;
        const [people, rows] = [await forms(perRound), bareRows(perRound)];
        let cpu = process.cpuUsage();
        const registered = await registerAll(people, concurrency);
        m.registrationCpu.push(cpuMicrosEach(cpu, perRound));
        cpu = process.cpuUsage();
        const inserted = await insertAll(rows, concurrency);
        m.bareCpu.push(cpuMicrosEach(cpu, perRound));
        m.registrations.push(registered);
        m.bares.push(inserted);
        m.ratios.push(registered / inserted);
      }
    }
    // HEALTHCODE_BENCH_PROFILE=registration: a pass of its own, after the timed ones, profiled without the forms' making.
    if (process.env.HEALTHCODE_BENCH_PROFILE?.split(',').includes('registration')) {
      const people = await forms(PROFILED);
      await profiled('registration', () => registerAll(people, 8));
    }
    for (const [concurrency, m] of measured) {
      const label = concurrency === 1 ? 'sequential' : `concurrency_${concurrency}`;
      figures[`registrations_per_second.${engine}.${label}`] = median(m.registrations);
      figures[`registrations_bare_insert_per_second.${engine}.${label}`] = median(m.bares);
      figures[`registrations_ratio_to_bare_insert.${engine}.${label}`] = Math.round(median(m.ratios) * 1000) / 1000;
      // This process's CPU per row (on PostgreSQL the database's own is not in it): on a shared machine it moves far less than the rates.
      figures[`registrations_cpu_us.${engine}.${label}`] = median(m.registrationCpu);
      figures[`registrations_bare_insert_cpu_us.${engine}.${label}`] = median(m.bareCpu);
    }
  } finally {
    await bare.close();
    await bench.dispose();
  }
  return figures;
}
