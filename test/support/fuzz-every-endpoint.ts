import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Harness } from './harness.js';
import { LIU_FANG, ZHANG_WEI } from './people.js';
import { fromSchema, hostileValue, type JsonSchema } from './schema-arbitrary.js';
import { signedUpThroughApi } from './sign-in.js';

/** Inputs per operation and caller; every operation is tried by every caller. */
const RUNS = 20;
const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema: JsonSchema; required?: boolean }[];
  body: JsonSchema | undefined;
}

/**
 * Every operation of the OpenAPI document, called by every kind of caller (nobody, a resident, another
 * resident, each staff role, a checkpoint device) with inputs generated from its schemas and hostile
 * variants. Whatever comes in: no 5xx, every refusal is problem+json, a refusal changes nothing
 * stored, and no resident's name, phone or ID number reaches anyone but that resident. One file per
 * engine (fuzz-every-endpoint*.test.ts), so that each holds its own file's time.
 */
export async function fuzzEveryEndpoint(h: () => Harness, t: TestContext): Promise<void> {
  const app = await h().app();
  // As a listening server knows its address: host-app sign-in is served, not "not ready".
  h().services.oauthServer.setOrigin('http://127.0.0.1:8080');
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>; components?: { schemas?: Record<string, JsonSchema> } };
  const resolve = (ref: string) => (doc.components?.schemas ?? {})[ref.split('/').pop()!] ?? {};

  const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
  const liu = await signedUpThroughApi(h(), LIU_FANG);
  for (const r of [zhang, liu]) await app.inject({ method: 'POST', url: `/api/v1/residents/${r.id}/declarations`, headers: r.auth, payload: healthy });
  const staff = async (role: 'authority' | 'tracer' | 'venue' | 'auditor') => ({ authorization: `Bearer ${(await h().services.staff.create(`${role} 值班员`, role)).token}` });
  const venue = await h().services.venues.registerVenue({ name: '良睦路社区', type: 'residential_compound', region: '330110', address: '余杭区良睦路 1399 号', latitude: 30.29, longitude: 120.01, operator: '良睦社区居委会' });
  const device = { authorization: `Bearer ${(await h().services.venues.registerCheckpointDevice(venue.id, '东门')).token}` };
  const callers: { name: string; headers: Record<string, string>; own: string | null }[] = [
    { name: 'nobody', headers: {}, own: null },
    { name: 'resident', headers: zhang.auth, own: zhang.id },
    { name: 'another resident', headers: liu.auth, own: liu.id },
    { name: 'authority', headers: await staff('authority'), own: null },
    { name: 'tracer', headers: await staff('tracer'), own: null },
    { name: 'venue operator', headers: await staff('venue'), own: null },
    { name: 'auditor', headers: await staff('auditor'), own: null },
    { name: 'checkpoint device', headers: device, own: null },
  ];
  // What only each resident may read of themselves.
  const personal = new Map([
    [zhang.id, [ZHANG_WEI.name, ZHANG_WEI.phone!, ZHANG_WEI.idNumber]],
    [liu.id, [LIU_FANG.name, LIU_FANG.phone!, LIU_FANG.idNumber]],
  ]);

  // Ending the caller's own session or account comes last, so the rest is tried signed in.
  const last = (o: Operation) => o.method === 'DELETE' || o.path === '/api/v1/sign-out';
  const operations: Operation[] = Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema })))
    .sort((a, b) => Number(last(a)) - Number(last(b)));

  // The audit log is apart: a refused look-up is recorded on purpose, as refused.
  const tables = (await tableNames()).filter((name) => name !== 'audit_log');
  const auditCount = async () => Number((await sql<{ n: number | string }>`select count(*) as n from audit_log`.execute(h().opened.store.db)).rows[0]!.n);
  if (h().engine === 'postgres') await countWritesOnPostgres();
  /** Every table's content, one digest each: a refusal that updated a row in place shows, not only one that added or removed rows. */
  async function stored(): Promise<string> {
    const db = h().opened.store.db;
    // Most requests write nothing: while no statement has written to any table, nothing changed, and the
    // digest of every table (seconds of work over thousands of requests) is not taken again.
    const changes = await writesSoFar();
    if (lastDigest?.changes === changes) return lastDigest.digest;
    digests += 1;
    let digest: string;
    if (h().engine === 'postgres') {
      const perTable = await sql<{ d: string }>`${sql.join(tables.map((name) => sql`select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as d from ${sql.table(name)} x`), sql` union all `)}`.execute(db);
      digest = perTable.rows.map((r, i) => `${tables[i]}=${r.d}`).join(' ');
    } else {
      const out: string[] = [];
      for (const name of tables) {
        const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows.map((row) => JSON.stringify(row));
        out.push(`${name}=${createHash('md5').update(rows.sort().join(',')).digest('hex')}`);
      }
      digest = out.join(' ');
    }
    lastDigest = { changes, digest };
    return digest;
  }
  let lastDigest: { changes: string; digest: string } | undefined;
  let digests = 0;
  /** SQLite counts the changes made on its one connection; PostgreSQL, the statements the triggers below counted. */
  async function writesSoFar(): Promise<string> {
    const db = h().opened.store.db;
    if (h().engine === 'sqlite') return String((await sql<{ n: number }>`select total_changes() as n`.execute(db)).rows[0]!.n);
    return String((await sql<{ n: string }>`select n from fuzz_writes`.execute(db)).rows[0]!.n);
  }
  /**
   * A statement-level trigger on every table counts each insert, update, delete and truncate into one row, in
   * the writing transaction: a write rolled back takes its count with it, and any statement that wrote (even
   * one that matched no row) makes the next check take the full digest.
   */
  async function countWritesOnPostgres(): Promise<void> {
    const db = h().opened.store.db;
    await sql`create table fuzz_writes (n bigint not null)`.execute(db);
    await sql`insert into fuzz_writes values (0)`.execute(db);
    await sql`create function fuzz_count_write() returns trigger language plpgsql as $$ begin update fuzz_writes set n = n + 1; return null; end $$`.execute(db);
    for (const name of tables) await sql`create trigger fuzz_count_write after insert or update or delete or truncate on ${sql.table(name)} for each statement execute function fuzz_count_write()`.execute(db);
  }
  async function tableNames(): Promise<string[]> {
    const db = h().opened.store.db;
    const rows =
      h().engine === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
        : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
    return rows.rows.map((r) => r.name);
  }

  const ids = fc.oneof(fc.constantFrom(zhang.id, liu.id), fc.uuid(), fc.constantFrom('../../docs', '%00', 'x'.repeat(300), '1 or 1=1'));
  let requests = 0;
  let before = await stored();
  let auditedBefore = await auditCount();
  for (const op of operations) {
    const params = fc.record(
      Object.fromEntries(
        op.parameters.filter((p) => p.in === 'path' || p.in === 'query').map((p) => [`${p.in}:${p.name}`, p.in === 'path' && /id$/i.test(p.name) ? ids : fc.oneof(fromSchema(p.schema, resolve), hostileValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')))]),
      ),
    );
    const body = op.body ? fc.oneof({ arbitrary: fromSchema(op.body, resolve), weight: 2 }, { arbitrary: hostileValue, weight: 1 }) : fc.constant(undefined);
    for (const caller of callers) {
      await fc.assert(
        fc.asyncProperty(params, body, async (values, payload) => {
          let url = op.path;
          const query = new URLSearchParams();
          for (const [key, value] of Object.entries(values)) {
            const [where, name] = key.split(':') as [string, string];
            if (where === 'path') url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
            else if (value !== undefined) query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
          }
          const response = await app.inject({
            method: op.method as 'GET',
            url: query.size > 0 ? `${url}?${query}` : url,
            headers: { ...caller.headers, ...(payload !== undefined && { 'content-type': 'application/json' }) },
            ...(payload !== undefined && { payload: JSON.stringify(payload) }),
          });
          requests += 1;
          const where = `${op.method} ${op.path} as ${caller.name}: ${response.statusCode} ${response.body.slice(0, 300)}`;
          assert.ok(response.statusCode < 500, where);
          const after = await stored();
          const audited = await auditCount();
          if (response.statusCode >= 400) {
            assert.match(String(response.headers['content-type']), /^application\/problem\+json/, where);
            assert.equal(typeof response.json().type, 'string', where);
            assert.equal(after, before, `a refusal changed what is stored: ${where}`);
            const appended = audited > auditedBefore ? await h().services.audit.entries({ limit: audited - auditedBefore }) : [];
            for (const entry of appended) assert.match(entry.action, /-refused$/, `a refusal audited as done: ${where}`);
          }
          before = after;
          auditedBefore = audited;
          for (const [owner, secrets] of personal) {
            if (owner === caller.own) continue;
            for (const secret of secrets) assert.ok(!response.body.includes(secret), `${where}\nreveals ${secret}, which belongs to another`);
          }
        }),
        { numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
      );
    }
  }
  t.diagnostic(`${operations.length} operations × ${callers.length} callers × ${RUNS} inputs = ${requests} requests; every table digested after ${digests} of them`);
  assert.equal(requests, operations.length * callers.length * RUNS);
}
