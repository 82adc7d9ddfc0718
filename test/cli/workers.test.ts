import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { sampleValue } from '../support/metrics-text.js';
import { withCheck } from '../support/people.js';
import { CLI, serve, serverEnv, type Running } from '../support/spawned-server.js';

describe('healthcode serve --workers', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-workers-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses more than one worker on SQLite, saying what to use instead', () => {
    const result = spawnSync(process.execPath, [...CLI, 'serve', '--workers', '2'], { env: serverEnv(dataDir), encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--workers: SQLite is served by one process .* PostgreSQL/);
  });

  for (const given of ['0', '65', 'two', '1.5']) {
    it(`refuses --workers ${given}, naming the option`, () => {
      const result = spawnSync(process.execPath, [...CLI, 'serve', '--workers', given], { env: serverEnv(dataDir), encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, new RegExp(`--workers: must be a whole number from 1 to 64, got '${given.replace('.', '\\.')}'`));
    });
  }
});

/** Residents of Yuhang with a session each, made before the server starts. */
async function seed(env: Record<string, string>, dataDir: string, count: number): Promise<{ id: string; token: string }[]> {
  const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
  try {
    const now = Date.now();
    const out = [];
    for (let i = 0; i < count; i += 1) {
      const first17 = `33011019850101${String(i).padStart(3, '0')}`;
      const { id } = await opened.services.residents.register(
        { name: `居民${i}`, idType: 'resident_id', idNumber: withCheck(first17), phone: `139${String(10_000_000 + i)}`, address: { region: '330110', detail: `五常街道 ${i} 号` } },
        { phoneVerifiedAt: now },
      );
      out.push({ id, token: (await opened.services.signIn.sessionFor(id, now)).token });
    }
    return out;
  } finally {
    await opened.close();
  }
}

describe('two workers on PostgreSQL', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among HEALTHCODE_TEST_ENGINES' }, () => {
  const schema = `hc_workers_${randomBytes(5).toString('hex')}`;
  const env = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: postgresUrlInSchema(schema), HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') };
  let dataDir: string;
  let residents: { id: string; token: string }[];
  let server: Running;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-workers-'));
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    residents = await seed(env, dataDir, 24);
    // Three processes compiled by tsx at once: on a loaded two-core machine that takes more than the default wait.
    server = await serve(dataDir, env, CLI, ['--workers', '2'], 180_000);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  it('is started by the primary once every worker listens on the one port', async () => {
    // Workers write to the same output as the primary: a worker's line may land just after the primary's.
    const deadline = Date.now() + 2000;
    while (server.lines.filter((l) => l.includes('"msg":"worker listening"')).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.lines.filter((l) => l.includes('"msg":"worker listening"')).length, 2, server.lines.join('\n'));
    assert.equal(server.lines.filter((l) => l.includes('healthcode is running')).length, 1);
  });

  it('refuses a signed-out session on every worker', async () => {
    const { id, token } = residents[0]!;
    for (let i = 0; i < 6; i += 1) assert.equal((await call(`/api/v1/residents/${id}/code`, token)).status, 200);
    assert.equal((await call('/api/v1/sign-out', token, { method: 'POST', body: '{}' })).status, 204);
    // A NOTIFY travels in milliseconds; connections are handed to the workers in turn.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const statuses = await Promise.all(Array.from({ length: 12 }, () => call(`/api/v1/residents/${id}/code`, token).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)], [401]);
  });

  /** A GET on a connection of its own: the kernel hands each new connection to one worker or the other. */
  const getAlone = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`${server.url}${path}`, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  /** Waits until every worker forked (two, and one for each that died) says it listens. */
  const everyWorkerListening = async () => {
    const count = (text: string) => server.lines.filter((l) => l.includes(text)).length;
    // A replacement compiled by tsx on a loaded two-core machine takes long to listen.
    const deadline = Date.now() + 120_000;
    while (count('"msg":"worker listening"') < 2 + count('a worker died') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(count('"msg":"worker listening"'), 2 + count('a worker died'));
  };
  const healthzCount = (text: string) => sampleValue(text, 'healthcode_http_requests_total', { method: 'GET', route: '/healthz', status: '200' });
  /** /healthz requests each worker served, by their log lines (from line `from` on). */
  const servedBy = (from = 0) => {
    const byWorker = new Map<number, number>();
    for (const line of server.lines.slice(from)) {
      if (!line.includes('"msg":"request completed"') || !line.includes('"route":"/healthz"')) continue;
      const worker = (JSON.parse(line) as { worker: number }).worker;
      byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
    }
    return byWorker;
  };

  it('counts every request once at /metrics, whichever worker served it and whichever the scrape reaches', async () => {
    const made = 40;
    for (let i = 0; i < made; i += 1) assert.equal((await getAlone('/healthz')).status, 200);
    // A request is counted and logged as its response ends (onResponse), just after the client has it.
    const total = () => [...servedBy().values()].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 5000;
    while (total() < made && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const served = servedBy();
    assert.equal(total(), made);
    assert.equal(served.size, 2, `both workers served some: ${JSON.stringify([...served])}`);
    // Several scrapes, each on its own connection, so both workers answer some of them.
    for (let i = 0; i < 6; i += 1) {
      const scraped = await getAlone('/metrics');
      assert.equal(scraped.status, 200, scraped.body);
      assert.equal(healthzCount(scraped.body), made);
      // Each worker's own figures stay apart; the database's are taken once.
      for (const worker of ['0', '1']) assert.match(scraped.body, new RegExp(`^healthcode_change_feed_up\\{worker="${worker}"\\} 1$`, 'm'));
      // Without Redis each worker sends up to its own 600 a minute: the service, 1200.
      assert.match(scraped.body, /^healthcode_sms_sign_in_codes_limit_per_minute 1200$/m);
      assert.match(scraped.body, /^healthcode_redecision_queue_depth 0$/m);
    }
  });

  it('loses no accepted write when a worker is killed under load, and keeps serving', async () => {
    const accepted: string[] = [];
    let failed = 0;
    let stop = false;
    const loop = async (resident: { id: string; token: string }) => {
      while (!stop) {
        try {
          // As the app does: a request with no answer in 5 s is given up (a connection handed to the
          // worker as it was killed gets no answer and is not closed either).
          const response = await call(`/api/v1/residents/${resident.id}/declarations`, resident.token, {
            method: 'POST',
            body: JSON.stringify({ stays: [], contacts: [], symptoms: [], temperature: 36.5 }),
            signal: AbortSignal.timeout(5000),
          });
          if (response.status === 201) accepted.push(((await response.json()) as { id: string }).id);
          else failed += 1;
        } catch {
          failed += 1;
        }
      }
    };
    const loops = residents.slice(1, 17).map(loop);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const workers = execFileSync('pgrep', ['-P', String(server.child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    assert.ok(workers.length >= 2, `workers: ${workers.join(', ')}`);
    process.kill(workers[0]!, 'SIGKILL');
    const acceptedAtKill = accepted.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    stop = true;
    await Promise.all(loops);

    assert.ok(accepted.length > acceptedAtKill, 'writes went on after the kill');
    const stored = await admin.query<{ id: string }>(`select id from "${schema}".declarations where id = any($1)`, [accepted]);
    assert.equal(stored.rowCount, accepted.length, `${accepted.length - (stored.rowCount ?? 0)} accepted declarations missing (${failed} requests failed)`);
    assert.ok(server.lines.some((l) => l.includes('a worker died; starting another in its place')));
    const { id, token } = residents[20]!;
    assert.equal((await call(`/api/v1/residents/${id}/code`, token)).status, 200);
  });

  it('keeps a killed worker\'s counted requests in /metrics: the service\'s counters never go back', async () => {
    await everyWorkerListening();
    const from = server.lines.length;
    for (let i = 0; i < 10; i += 1) await getAlone('/healthz');
    const before = healthzCount((await getAlone('/metrics')).body);
    // The worker that served most of them, by its log lines, and its process (its 'worker listening' line names both).
    const [busiest] = [...servedBy(from)].sort((a, b) => b[1] - a[1])[0]!;
    const listening = server.lines.filter((l) => l.includes('"msg":"worker listening"')).map((l) => JSON.parse(l) as { worker: number; pid: number });
    const pid = listening.filter((l) => l.worker === busiest).at(-1)!.pid;
    process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await everyWorkerListening();
    for (let i = 0; i < 4; i += 1) {
      const scraped = await getAlone('/metrics');
      assert.equal(scraped.status, 200, scraped.body);
      assert.equal(healthzCount(scraped.body), before);
    }
  });
});
