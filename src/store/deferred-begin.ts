import pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** What a pg pool's client offers that this needs (pg.PoolClient has it). */
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  release(): void;
}

/** The answer to a statement held back or left unsent: what Kysely reads of one (nothing, for these). */
const unsent = (command: string) => ({ command, rowCount: 0, rows: [] }) as unknown as PostgresQueryResult<never>;

/** A message of several statements (no parameters) is answered by the last one's result, as a statement alone. */
const lastOf = (results: unknown) => (Array.isArray(results) ? results.at(-1) : results);

/**
 * A PostgreSQL statement with its parameters written in as literals (pg's escapeLiteral for text), so
 * that it can go in one message with others (simple protocol takes no parameters). For values this
 * code makes (sealed fields, keyed hashes, ids, region codes, instants): text, integers and nulls.
 */
export function inlined(query: { sql: string; parameters: ReadonlyArray<unknown> }): string {
  return query.sql.replace(/\$(\d+)\b/g, (_, n: string) => literal(query.parameters[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pg.escapeLiteral(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new Error(`inlined: cannot write ${typeof value} ${String(value)} as a literal`);
}

/**
 * A client that holds a transaction's BEGIN back until its first statement, and sends the two in
 * one message when that statement has no parameters (PostgreSQL's simple protocol runs several
 * statements of one message in order; a lock's statement is so written): one round trip fewer for
 * each transaction that opens with a lock (every registration, a scan batch). A statement with
 * parameters follows its own BEGIN, as before; a transaction that ends before any statement sends
 * nothing. Each statement still runs with its own snapshot, so a lock taken in the first message
 * is held before the next statement looks.
 */
export class DeferringBeginClient implements PostgresPoolClient {
  #beginHeld = false;

  constructor(private readonly client: PgClient) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sql: string | PostgresCursor<R>, parameters: ReadonlyArray<unknown> = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sql !== 'string') {
      // pg runs a client's queries in the order asked: the BEGIN goes ahead of the cursor's statement (whose error its own shows).
      if (this.#take()) this.client.query('begin').catch(() => undefined);
      return this.client.query(sql);
    }
    return this.#query(sql, parameters) as Promise<PostgresQueryResult<R>>;
  }

  async #query(sql: string, parameters: ReadonlyArray<unknown>): Promise<unknown> {
    if (sql === 'begin' && parameters.length === 0) {
      // A transaction left open on a client handed back would be a bug: never two held.
      if (this.#beginHeld) throw new Error('a transaction was begun twice on one connection');
      this.#beginHeld = true;
      return unsent('BEGIN');
    }
    if (!this.#take()) return lastOf(await this.client.query(sql, [...parameters]));
    // Nothing ran in the transaction: nothing to end.
    if (sql === 'commit' || sql === 'rollback') return unsent(sql.toUpperCase());
    if (parameters.length > 0) {
      await this.client.query('begin');
      return this.client.query(sql, [...parameters]);
    }
    return lastOf(await this.client.query(`begin;\n${sql}`));
  }

  /** Whether a BEGIN was held (and is now to be sent). */
  #take(): boolean {
    const held = this.#beginHeld;
    this.#beginHeld = false;
    return held;
  }

  release(): void {
    this.#beginHeld = false;
    this.client.release();
  }
}

/** `pool` for Kysely's PostgresDialect, its clients deferring BEGIN (DeferringBeginClient); one wrapper per client, as Kysely keeps a connection per client. */
export function deferringBegin(pool: { connect(): Promise<PgClient>; end(): Promise<void> }): PostgresPool {
  const wrapped = new WeakMap<PgClient, DeferringBeginClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let deferring = wrapped.get(client);
      if (deferring === undefined) wrapped.set(client, (deferring = new DeferringBeginClient(client)));
      return deferring;
    },
    end: () => pool.end(),
  };
}
