import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig, DatabaseTimeouts } from '../config.js';
import { deferringBegin } from './deferred-begin.js';
import { LocalChangeFeed, PostgresChangeFeed, type Announcement, type ChangeFeed } from './change-feed.js';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /**
   * Holds `name` until `trx` ends, so one writer at a time does what follows. PostgreSQL takes a
   * transaction-scoped advisory lock (per schema); SQLite has one writer anyway, and Kysely runs a
   * transaction on its single connection alone.
   */
  lock(trx: Transaction<Database>, name: string): Promise<void>;
  /**
   * Runs `work` in one transaction: all of it is stored, or none. With `announce`, every process
   * hears of that change when it commits (see ChangeFeed.commit).
   */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>, announce?: Announcement<T>): Promise<T>;
  /** Is the database answering? For /readyz. */
  ping(): Promise<boolean>;
  /** Changes other processes on this database must hear of, to keep their caches true. */
  changes: ChangeFeed;
  /**
   * The connection pool's figures now (PostgreSQL): connections open, checked out for a query, and
   * queries waiting for one. Absent on SQLite, which has one synchronous connection and no pool.
   */
  pool?(): { size: number; inUse: number; waiting: number };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL schema to work in (created if missing); tests use one per run. */
  schema?: string;
  poolSize?: number;
  timeouts?: Partial<DatabaseTimeouts>;
  /** Told of connection errors that no query was waiting for (a dropped idle or busy client). */
  onConnectionError?: (error: Error) => void;
  /**
   * Hear changes made by other processes (PostgreSQL LISTEN, one more connection). A server does; a
   * process alone or only writing (a CLI command, a test) need not: it still announces its changes.
   */
  listen?: boolean;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 3000, statementMs: 10_000, pingMs: 800 };

const INT8_OID = 20;

/** Epoch milliseconds fit a JS number; pg would otherwise return every bigint as a string. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Whether the database answers `select 1` within `withinMs`; never waits longer, never throws. */
async function ping(db: Kysely<Database>, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  const query = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const raw = new BetterSqlite3(config.path);
    // WAL lets readers go on while a writer commits; foreign keys are off by default in SQLite.
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma(`busy_timeout = ${Math.min(timeouts.statementMs, 5000)}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    const changes = new LocalChangeFeed(dataVersionOf(raw));
    return {
      db,
      engine: 'sqlite',
      lock: (trx, name) => lockIn('sqlite', trx, name),
      transaction: transactionOn(db, changes),
      ping: () => ping(db, timeouts.pingMs),
      changes,
      close: () => db.destroy(),
    };
  }

  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name '${schema}'`);
  if (options.schema !== undefined) {
    const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: timeouts.connectMs, query_timeout: timeouts.statementMs });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    // The client-side bound, for a server that stopped answering and so cannot time itself out.
    query_timeout: timeouts.statementMs + 1000,
    ...(options.schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // A client losing its connection emits 'error'; unheard, that event ends the process. The pool
  // hears it for idle clients; a client checked out for a query needs its own listener, or a dropped
  // connection under load kills the server. The query itself fails and is answered with 503.
  const heard = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', heard);
  pool.on('connect', (client) => client.on('error', heard));
  // Transactions' BEGIN goes with their first statement where it can: see deferringBegin.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: deferringBegin(pool) }) });
  let changes: ChangeFeed;
  try {
    const inSchema = options.schema ?? (await pool.query<{ schema: string | null; path: string }>("select current_schema() as schema, current_setting('search_path') as path")).rows.map((r) => {
      if (r.schema === null) throw new Error(`HEALTHCODE_DATABASE_URL: its search_path (${r.path}) names no schema that exists: create the schema, or name the one healthcode uses`);
      return r.schema;
    })[0]!;
    changes = await PostgresChangeFeed.open({
      schema: inSchema,
      listen: options.listen ?? false,
      onError: heard,
      client: () => {
        const client = new pg.Client({
          connectionString: config.url,
          connectionTimeoutMillis: timeouts.connectMs,
          ...(options.schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
        });
        return client;
      },
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    db,
    engine: 'postgres',
    lock: (trx, name) => lockIn('postgres', trx, name),
    transaction: transactionOn(db, changes),
    ping: () => ping(db, timeouts.pingMs),
    changes,
    pool: () => ({ size: pool.totalCount, inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await changes.close();
      await db.destroy();
    },
  };
}

/** `DatabaseHandle.transaction`, on either engine: announced through the change feed when there is a change to tell. */
function transactionOn(db: Kysely<Database>, changes: ChangeFeed): DatabaseHandle['transaction'] {
  return (work, announce) => (announce ? changes.commit(db, announce, work) : db.transaction().execute(work));
}

/** SQLite's count of commits by other connections to the file: unchanged, nobody else wrote. */
function dataVersionOf(raw: BetterSqlite3.Database): () => number {
  const statement = raw.prepare('pragma data_version').pluck();
  return () => statement.get() as number;
}

/** How many prepared SQLite statements are kept; the service issues a few hundred distinct ones. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * better-sqlite3 behind Kysely prepares every statement anew; preparing costs as much as running a
 * simple one. The same SQL text gets the same prepared statement back (a statement is reusable
 * once it has run, and Kysely runs each to completion at once). Oldest first out past the bound.
 */
function withStatementCache(raw: BetterSqlite3.Database): { prepare(sql: string): BetterSqlite3.Statement; close(): void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = raw.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
    close: () => raw.close(),
  };
}

/** `DatabaseHandle.lock` for code that has an engine and a transaction but no database handle (migrations, the scans store). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: the lock reads no table
export async function lockIn(engine: Engine, trx: Transaction<any>, name: string): Promise<void> {
  // Written without parameters, so that a transaction opening with it sends it with its BEGIN (deferringBegin).
  if (engine === 'postgres') await sql.raw(`select pg_advisory_xact_lock(hashtext(${pg.escapeLiteral(`healthcode ${name} `)} || current_schema()))`).execute(trx);
}

/** `lockIn` for many names in one round trip, taken in a fixed order so that two holders cannot deadlock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: the lock reads no table
export async function lockAllIn(engine: Engine, trx: Transaction<any>, names: string[]): Promise<void> {
  if (engine !== 'postgres' || names.length === 0) return;
  await sql.raw(lockAllStatement(names)).execute(trx);
}

/**
 * lockAllIn's statement on PostgreSQL, without parameters (as lockIn's): for a caller that sends it in
 * one message with the statement it guards (`inlined`), which then runs once every lock is held.
 */
export function lockAllStatement(names: string[]): string {
  const keys = [...new Set(names)].sort().map((name) => `healthcode ${name} `);
  return `select pg_advisory_xact_lock(hashtext(k || current_schema())) from (select unnest(array[${keys.map((k) => pg.escapeLiteral(k)).join(', ')}]::text[]) as k order by 1) ordered`;
}

/** Whether an error is a unique-constraint violation, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** SQLSTATE classes and codes that mean "the database cannot serve now", not "the request is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-5]|53...|57014|40001|40P01)$/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL']);
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /query read timeout/i, /not queryable/i, /connection timeout/i, /database is locked/i];

/**
 * Whether an error says the database is down, unreachable, overloaded or too slow: the caller should
 * retry later (503), and nothing is wrong with the request. Unique violations and the like are not.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (e === undefined || e === null || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
