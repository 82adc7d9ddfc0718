import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TEST_REDIS_URL } from '../support/redis.js';
import { CLI, serve, serverEnv } from '../support/spawned-server.js';

const env = serverEnv;

describe('healthcode serve', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start on a wrong variable, naming it', () => {
    const result = spawnSync(process.execPath, [...CLI, 'serve'], { env: env(dataDir, { HEALTHCODE_PORT: 'http', HEALTHCODE_DEMO_DATA: 'maybe' }), encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /HEALTHCODE_PORT: must be a whole number from 0 to 65535, got 'http'/);
    assert.match(result.stderr, /HEALTHCODE_DEMO_DATA: must be one of auto, on, off, got 'maybe'/);
  });

  it('starts on the embedded database with demo data, then stops cleanly on SIGTERM', async () => {
    const server = await serve(dataDir);
    try {
      assert.ok(server.lines.some((l) => l.includes('demo data loaded')));
      assert.deepEqual(await (await fetch(`${server.url}/readyz`)).json(), { status: 'ready', database: 'sqlite' });
      const code = await fetch(`${server.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800138001' }) });
      assert.equal(code.status, 202);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((l) => l.includes('"msg":"stopped"')));
  });

  it('is ready and serving at once with load shedding on, its limits counted through Redis', async () => {
    const server = await serve(dataDir, { HEALTHCODE_SHED_EVENT_LOOP_DELAY: '1000', HEALTHCODE_REDIS_URL: TEST_REDIS_URL });
    try {
      // Start-up held the event loop; that delay is not load, and nobody is refused for it.
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const code = await fetch(`${server.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13800138002' }) });
      assert.equal(code.status, 202, await code.text());
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
  });

  it('says at start-up that development mode shows sign-in codes and listens on loopback only', async () => {
    const server = await serve(dataDir);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((l) => l.includes('development mode: anyone who reaches this server can read sign-in codes') && l.includes('loopback only')));
  });

  it('refuses development mode on every interface, naming the variable', () => {
    const result = spawnSync(process.execPath, [...CLI, 'serve'], { env: env(dataDir, { HEALTHCODE_HOST: '0.0.0.0' }), encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /HEALTHCODE_HOST: development mode listens on loopback only/);
  });

  it('starts again with HEALTHCODE_DEMO_DATA=on on a database that has the demo data, loading nothing twice', async () => {
    const server = await serve(dataDir, { HEALTHCODE_DEMO_DATA: 'on' });
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((l) => l.includes('demo data is there from an earlier start')));
  });

  it('loads no demo residents in production on a new embedded database left at the default', async () => {
    const productionDir = mkdtempSync(join(tmpdir(), 'healthcode-production-'));
    try {
      const server = await serve(productionDir, { HEALTHCODE_MODE: 'production', HEALTHCODE_DATABASE_URL: `sqlite:${join(productionDir, 'hc.db')}` });
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      assert.ok(!server.lines.some((l) => l.includes('demo data loaded')), server.lines.join('\n'));
      const db = new Database(join(productionDir, 'hc.db'), { readonly: true });
      try {
        assert.deepEqual(db.prepare('select count(*) as n from residents').get(), { n: 0 });
      } finally {
        db.close();
      }
    } finally {
      rmSync(productionDir, { recursive: true, force: true });
    }
  });

  it('keeps the data key readable by its owner only', () => {
    assert.equal(statSync(join(dataDir, 'keys', 'data.key')).mode & 0o777, 0o600);
  });

  it('lets the operator read the sign-in code from the outbox', () => {
    const result = spawnSync(process.execPath, [...CLI, 'outbox', '--phone', '13800138001'], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\+8613800138001 {2}【健康码】登录验证码 \d{6}/);
  });

  it('does not load the demo data a second time', async () => {
    const server = await serve(dataDir);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.ok(!server.lines.some((l) => l.includes('demo data loaded')));
  });

  it('creates a staff credential, rotates a key and imports a file with a line-numbered report', () => {
    const staff = spawnSync(process.execPath, [...CLI, 'staff', 'add', '--name', '余杭区疾控中心', '--role', 'authority'], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(staff.status, 0, staff.stderr);
    assert.match(staff.stdout, /^hcs_[A-Za-z0-9_-]{43}\n$/);
    const rotated = spawnSync(process.execPath, [...CLI, 'keys', 'rotate', '--region', '330110'], { env: env(dataDir), encoding: 'utf8' });
    assert.match(rotated.stdout, /^new key \S+ for 330110/);
    const file = join(dataDir, 'cases.csv');
    writeFileSync(file, 'phone,status,date\n13800138003,confirmed,2026-11-01T10:00:00+08:00\n13800138003,infected,2026-11-01T10:00:00+08:00\n');
    const imported = spawnSync(process.execPath, [...CLI, 'import', 'cases', file], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /^2 rows: 1 imported, 0 already there, 1 invalid, 0 unmatched; 1 residents re-decided, 1 changed colour/);
    assert.match(imported.stdout, /line 3: status: must be one of confirmed, suspected, recovered, cleared/);
  });

  it('verifies the audit log from the command line', () => {
    const result = spawnSync(process.execPath, [...CLI, 'audit', 'verify'], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^audit log intact: \d+ entries\n$/);
  });

  it('purges past the retention window on demand', () => {
    const result = spawnSync(process.execPath, [...CLI, 'purge'], { env: env(dataDir), encoding: 'utf8' });
    assert.match(result.stdout, /^deleted \d+ scans and \d+ check-ins older than 28 days\n$/);
  });

  it('rejects a bad --phone for the outbox with the flag named', () => {
    const result = spawnSync(process.execPath, [...CLI, 'outbox', '--phone', 'nobody'], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--phone:/);
  });
});
