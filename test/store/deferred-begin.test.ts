import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type PostgresCursor } from 'kysely';
import fc from 'fast-check';
import { DeferringBeginClient, inlined, type PgClient } from '../../src/store/deferred-begin.js';
import { lockAllIn } from '../../src/store/database.js';
import { ENGINES, openTestStore, type OpenedStore } from '../support/engines.js';

/** A pg client that records what it is sent, one entry a message, and answers each with no rows. */
function recordingClient(): PgClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    query: ((text: string | PostgresCursor<unknown>, values?: unknown[]) => {
      sent.push(typeof text === 'string' ? `${text}${values?.length ? ` ${JSON.stringify(values)}` : ''}` : 'cursor');
      return typeof text === 'string' ? Promise.resolve({ command: 'SELECT', rowCount: 0, rows: [] }) : text;
    }) as PgClient['query'],
    release: () => undefined,
  };
}

describe("a transaction's BEGIN held back for its first statement", () => {
  it('goes in one message with a first statement that has no parameters', async () => {
    const client = recordingClient();
    const deferring = new DeferringBeginClient(client);
    await deferring.query('begin', []);
    await deferring.query("select pg_advisory_xact_lock(hashtext('healthcode resident Ab '))", []);
    await deferring.query('insert into residents (id) values ($1)', ['r1']);
    await deferring.query('commit', []);
    assert.deepEqual(client.sent, ["begin;\nselect pg_advisory_xact_lock(hashtext('healthcode resident Ab '))", 'insert into residents (id) values ($1) ["r1"]', 'commit']);
  });

  it('goes ahead of a first statement with parameters, on its own', async () => {
    const client = recordingClient();
    const deferring = new DeferringBeginClient(client);
    await deferring.query('begin', []);
    await deferring.query('update sign_in_codes set consumed_at = $1', [1]);
    await deferring.query('commit', []);
    assert.deepEqual(client.sent, ['begin', 'update sign_in_codes set consumed_at = $1 [1]', 'commit']);
  });

  it('is never sent for a transaction that ends before any statement', async () => {
    const client = recordingClient();
    const deferring = new DeferringBeginClient(client);
    await deferring.query('begin', []);
    await deferring.query('rollback', []);
    await deferring.query('select 1', []);
    assert.deepEqual(client.sent, ['select 1']);
  });

  it('goes ahead of a cursor', async () => {
    const client = recordingClient();
    const deferring = new DeferringBeginClient(client);
    await deferring.query('begin', []);
    deferring.query({ read: async () => [], close: async () => undefined });
    assert.deepEqual(client.sent, ['begin', 'cursor']);
  });
});

describe('a statement with its parameters written in', () => {
  it('refuses a value it cannot write as a literal, rather than guess', () => {
    assert.throws(() => inlined({ sql: 'select $1', parameters: [1.5] }), /cannot write number 1.5/);
    assert.throws(() => inlined({ sql: 'select $1', parameters: [undefined] }), /cannot write undefined/);
  });

  it('puts each value in its own place, $10 not read as $1 followed by 0', () => {
    const parameters = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    assert.equal(inlined({ sql: 'select $1, $10', parameters }), "select 'v1', 'v10'");
  });
});

describe('transactions on PostgreSQL with BEGIN held back', { skip: !ENGINES.includes('postgres') }, () => {
  let opened: OpenedStore;
  before(async () => {
    opened = await openTestStore('postgres');
    await sql`create table deferred_begin_probe (id text primary key)`.execute(opened.store.db);
  });
  after(() => opened.dispose());
  const ids = async () => (await sql<{ id: string }>`select id from deferred_begin_probe order by id`.execute(opened.store.db)).rows.map((r) => r.id);

  it('answers a statement with its values written in exactly as with them as parameters, whatever the text', { timeout: 120_000 }, async () => {
    const value = fc.oneof(fc.string({ unit: 'binary' }).map((t) => t.replaceAll('\u0000', '')), fc.string({ unit: fc.constantFrom("'", '\\', '"', '$', 'E', ' ', ';', '-') }), fc.constant(null), fc.maxSafeInteger(), fc.integer());
    await fc.assert(
      fc.asyncProperty(value, value, async (a, b) => {
        const query = { sql: 'select cast($1 as text) as a, cast($2 as text) as b', parameters: [a, b] };
        const { rows: given } = await opened.store.db.executeQuery(CompiledQuery.raw(query.sql, query.parameters));
        const { rows: written } = await sql.raw(inlined(query)).execute(opened.store.db);
        assert.deepEqual(written, given);
      }),
      { numRuns: 200 },
    );
  });

  it('rolls back every statement, the first one sent with BEGIN included, when a later one fails', async () => {
    await assert.rejects(
      opened.store.db.transaction().execute(async (trx) => {
        await sql.raw(`insert into deferred_begin_probe (id) values ('first')`).execute(trx);
        await sql`insert into deferred_begin_probe (id) values (${'second'})`.execute(trx);
        await sql`select 1 / 0`.execute(trx);
      }),
      /division by zero/,
    );
    assert.deepEqual(await ids(), []);
  });

  it('holds a lock taken with BEGIN until the commit: a second holder waits, then sees the first one’s row', async () => {
    let released!: () => void;
    const held = new Promise<void>((resolve) => (released = resolve));
    let first!: () => void;
    const locked = new Promise<void>((resolve) => (first = resolve));
    const one = opened.store.db.transaction().execute(async (trx) => {
      await lockAllIn('postgres', trx, ['probe']);
      first();
      await held;
      await sql`insert into deferred_begin_probe (id) values (${'one'})`.execute(trx);
    });
    await locked;
    const two = opened.store.db.transaction().execute(async (trx) => {
      await lockAllIn('postgres', trx, ['probe']);
      return ids();
    });
    // The second is seen waiting on the lock before the first goes on.
    const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and objid::bigint = (hashtext('healthcode probe ' || current_schema())::bigint & 4294967295)`.execute(opened.store.db)).rows[0]!.n);
    while ((await waiting()) === 0) await new Promise((resolve) => setImmediate(resolve));
    released();
    await one;
    assert.deepEqual(await two, ['one']);
  });
});
