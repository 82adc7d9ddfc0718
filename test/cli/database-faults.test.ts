import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import pg from 'pg';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { serve, type Running, NO_LIMITS_ENV } from '../support/spawned-server.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  type: string | null;
  problemType?: string;
  retryAfter: string | null;
  ms: number;
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const type = response.headers.get('content-type');
  const body = type?.includes('json') ? ((await response.json()) as { type?: string }) : (await response.text(), {});
  return { status: response.status, type, problemType: body.type, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started };
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
    const recoveredFrom = answers.length;
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
    const after = answers.slice(recoveredFrom);
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
