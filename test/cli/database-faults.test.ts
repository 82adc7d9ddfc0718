import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import pg from 'pg';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { serve, type Running, NO_LIMITS_ENV } from '../support/spawned-server.js';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { withCheck } from '../support/people.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  type: string | null;
  problemType?: string;
  retryAfter: string | null;
  ms: number;
  /** performance.now() when the request was sent. */
  startedAt: number;
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const type = response.headers.get('content-type');
  const body = type?.includes('json') ? ((await response.json()) as { type?: string }) : (await response.text(), {});
  return { status: response.status, type, problemType: body.type, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started, startedAt: started };
}

/** PostgreSQL behind a proxy that can cut, refuse or swallow connections; the server under test is a real process. */
describe('the server when PostgreSQL fails', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among the test engines' }, () => {
  const schema = `hc_fault_${randomBytes(5).toString('hex')}`;
  // Both tests' servers share the schema, so they share its data key.
  const dataKey = randomBytes(32).toString('base64');
  let proxy: TcpProxy;
  let dataDir: string;
  let server: Running | undefined;

  before(async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.end();
    const target = new URL(TEST_POSTGRES_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
  });

  after(async () => {
    await proxy.stop();
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  afterEach(async () => {
    proxy.mode = 'forward';
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<Running> {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-faults-'));
    server = await serve(dataDir, {
      HEALTHCODE_DATABASE_URL: postgresUrlInSchema(schema, proxy.port),
      HEALTHCODE_DEMO_DATA: 'off',
      HEALTHCODE_DATA_KEY: dataKey,
      HEALTHCODE_DB_CONNECT_TIMEOUT: '1000',
      HEALTHCODE_DB_STATEMENT_TIMEOUT: '2000',
      ...NO_LIMITS_ENV,
    });
    return server;
  }

  it('survives connections cut under load: requests in flight get 503 problem+json, and it recovers by itself', { timeout: 90_000 }, async () => {
    const running = await start();
    const answers: Answer[] = [];
    let stop = false;
    // Twenty clients reading and writing through the database at once.
    const loops = Array.from({ length: 20 }, async (_, i) => {
      let n = 0;
      while (!stop) {
        n += 1;
        const answer =
          i % 2 === 0
            ? await ask(`${running.url}/api/v1/venues`)
            : await ask(`${running.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: `139${String(i).padStart(2, '0')}${String(n % 1_000_000).padStart(6, '0')}` }) });
        answers.push(answer);
      }
    });
    await sleep(1500);
    const before = answers.length;
    assert.ok(before > 20, `the loops were running (${before} answers)`);
    proxy.sever();
    proxy.mode = 'refuse';
    await sleep(400);
    const down = await ask(`${running.url}/readyz`);
    await sleep(1500);
    proxy.mode = 'forward';
    // The pool reconnects by itself; nothing restarts the server.
    let ready: Answer | undefined;
    for (let i = 0; i < 40; i += 1) {
      ready = await ask(`${running.url}/readyz`);
      if (ready.status === 200) break;
      await sleep(250);
    }
    // A request already in flight when readiness came back may still have met a terminated connection;
    // only those sent afterwards must all succeed.
    const recoveredAt = performance.now();
    await sleep(1000);
    stop = true;
    await Promise.all(loops);

    assert.equal(running.child.exitCode, null, `the server is still running:\n${running.lines.slice(-5).join('\n')}`);
    assert.equal(down.status, 503, 'readiness reports the outage');
    assert.equal(down.problemType, '/problems/not-ready');
    assert.equal(ready?.status, 200, 'readiness recovered');
    const statuses = new Set(answers.map((a) => a.status));
    assert.ok(!statuses.has(500), `no 500 during the outage: ${[...statuses].join(', ')}`);
    const outage = answers.filter((a) => a.status === 503);
    assert.ok(outage.length > 0, 'some requests met the outage');
    for (const a of outage) {
      assert.equal(a.type, 'application/problem+json; charset=utf-8');
      assert.equal(a.problemType, '/problems/unavailable');
      assert.ok(Number(a.retryAfter) > 0, 'Retry-After says when to come back');
    }
    const after = answers.filter((a) => a.startedAt >= recoveredAt);
    assert.ok(after.length > 0 && after.every((a) => a.status === 200 || a.status === 202 || a.status === 429), `served again after recovery: ${[...new Set(after.map((a) => a.status))].join(', ')}`);
  });

  it('answers readiness within a second and requests with 503 when the database accepts connections but never answers', { timeout: 60_000 }, async () => {
    const running = await start();
    assert.equal((await ask(`${running.url}/readyz`)).status, 200);
    proxy.mode = 'blackhole';
    const ready = await ask(`${running.url}/readyz`);
    const call = await ask(`${running.url}/api/v1/venues`);
    const write = await ask(`${running.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13900001111' }) });
    assert.equal(ready.status, 503);
    assert.ok(ready.ms < 1000, `readiness answered in ${Math.round(ready.ms)} ms`);
    for (const answer of [call, write]) {
      assert.equal(answer.status, 503);
      assert.equal(answer.problemType, '/problems/unavailable');
      assert.ok(Number(answer.retryAfter) > 0);
      // Bounded by the configured statement timeout (2 s) and connect timeout (1 s), with room for a noisy machine.
      assert.ok(answer.ms < 8000, `answered in ${Math.round(answer.ms)} ms`);
    }
    proxy.mode = 'forward';
    proxy.sever();
    let recovered = 0;
    for (let i = 0; i < 40 && recovered !== 200; i += 1) {
      recovered = (await ask(`${running.url}/api/v1/venues`)).status;
      if (recovered !== 200) await sleep(250);
    }
    assert.equal(recovered, 200, 'serves again once the database answers');
  });
});

/** Backends killed by the database itself (pg_terminate_backend, as an operator or a failover does) mid-request. */
describe('the server when PostgreSQL terminates its connections', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among the test engines' }, () => {
  const schema = `hc_kill_${randomBytes(5).toString('hex')}`;
  // Named, so that only this server's backends are terminated, not other tests'.
  const url = `${postgresUrlInSchema(schema)}&application_name=${schema}`;
  const dataKey = randomBytes(32).toString('base64');
  let dataDir: string;
  let server: Running | undefined;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });

  before(async () => {
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-kill-'));
  });

  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = { HEALTHCODE_DATABASE_URL: url, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATA_KEY: dataKey, HEALTHCODE_DB_CONNECT_TIMEOUT: '1000', HEALTHCODE_DB_STATEMENT_TIMEOUT: '2000', ...NO_LIMITS_ENV };

  it('answers requests in flight with 503, reports it in readiness, recovers by itself and leaves no partial write', { timeout: 120_000 }, async () => {
    // Ten residents who signed in, made beforehand through the services on the same database.
    const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
    const residents: { id: string; token: string }[] = [];
    try {
      const now = opened.services.clock.now().getTime();
      for (let i = 0; i < 10; i += 1) {
        const { id } = await opened.services.residents.register({ name: `居民${i}`, idType: 'resident_id', idNumber: withCheck(`33011019900101${String(100 + i)}`), phone: `1390000${String(1000 + i)}`, address: { region: '330110', detail: `五常街道 ${i} 号` } }, { phoneVerifiedAt: now });
        residents.push({ id, token: (await opened.services.signIn.sessionFor(id, now)).token });
      }
    } finally {
      await opened.close();
    }
    const running = (server = await serve(dataDir, env));
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    // A declaration with two stays: three rows written in one transaction, then a re-decision.
    const declaration = { stays: [{ region: '310104', arrival: day(5), departure: day(4) }, { region: '330110', arrival: day(4) }], contacts: [], symptoms: [], temperature: 36.5 };
    const acknowledged: string[] = [];
    const answers: Answer[] = [];
    let stop = false;
    const loops = residents.map(async (r) => {
      while (!stop) {
        const startedAt = performance.now();
        const response = await fetch(`${running.url}/api/v1/residents/${r.id}/declarations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` }, body: JSON.stringify(declaration), signal: AbortSignal.timeout(20_000) });
        const body = (await response.json()) as { id?: string; type?: string };
        if (response.status === 201) acknowledged.push(body.id!);
        answers.push({ status: response.status, type: response.headers.get('content-type'), problemType: body.type, retryAfter: response.headers.get('retry-after'), ms: performance.now() - startedAt, startedAt });
      }
    });
    for (let i = 0; i < 200 && answers.length <= 20; i += 1) await sleep(100);
    assert.ok(answers.length > 20, `the loops were running (${answers.length} answers)`);
    // The storm: every backend of this server terminated, again and again, while readiness is asked.
    const readiness: number[] = [];
    const stormEnds = Date.now() + 1500;
    const storm = (async () => {
      while (Date.now() < stormEnds) {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [schema]);
        await sleep(10);
      }
    })();
    while (Date.now() < stormEnds) {
      readiness.push((await ask(`${running.url}/readyz`)).status);
      await sleep(20);
    }
    await storm;
    let ready = 0;
    for (let i = 0; i < 40 && ready !== 200; i += 1) {
      ready = (await ask(`${running.url}/readyz`)).status;
      if (ready !== 200) await sleep(250);
    }
    // A request already in flight when readiness came back may still have met a terminated connection;
    // only those sent afterwards must all succeed.
    const recoveredAt = performance.now();
    await sleep(1000);
    stop = true;
    await Promise.all(loops);

    assert.equal(running.child.exitCode, null, 'the server is still running');
    const statuses = new Set(answers.map((a) => a.status));
    assert.ok(!statuses.has(500), `no 500: ${[...statuses].join(', ')}`);
    const refused = answers.filter((a) => a.status === 503);
    assert.ok(refused.length > 0, 'some requests met a terminated connection');
    for (const a of refused) {
      assert.equal(a.type, 'application/problem+json; charset=utf-8');
      assert.equal(a.problemType, '/problems/unavailable');
      assert.ok(Number(a.retryAfter) > 0);
    }
    assert.ok(readiness.includes(503), `readiness reported the outage: ${readiness.join(' ')}`);
    assert.equal(ready, 200, 'readiness recovered without a restart');
    const after = answers.filter((a) => a.startedAt >= recoveredAt);
    assert.ok(after.length > 0, 'requests were sent after recovery');
    const failedAfter = after.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.problemType ?? ''}`);
    assert.deepEqual(failedAfter, [], 'serves every request sent after recovery');
    // Every acknowledged declaration is stored whole; no declaration is stored in part.
    const rows = await admin.query<{ id: string; stays: string }>(`select d.id, count(s.id) as stays from "${schema}".declarations d left join "${schema}".declaration_stays s on s.declaration_id = d.id group by d.id`);
    const stored = new Map(rows.rows.map((r) => [r.id, Number(r.stays)]));
    for (const id of acknowledged) assert.equal(stored.get(id), 2, `acknowledged declaration ${id} is stored with its two stays`);
    for (const [id, stays] of stored) assert.equal(stays, 2, `declaration ${id} is whole`);
  });
});
