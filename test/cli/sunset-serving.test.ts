import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createPostgresSchema, dropPostgresSchema, ENGINES, postgresUrlInSchema } from '../support/engines.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { CLI, serve, serverEnv, type Running } from '../support/spawned-server.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

/** `healthcode` in a process of its own, without blocking this one (the server answers meanwhile). */
function cli(dataDir: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { env: serverEnv(dataDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

for (const engine of ENGINES) {
  /**
   * The sunset run by the CLI while a server serves the same database: the server has Zhang's session
   * and code in memory, and hears of the sunset from the change feed (PostgreSQL's NOTIFY, SQLite's
   * data_version) at once, not when its caches would have aged.
   */
  describe(`a sunset run beside a serving process [${engine}]`, () => {
    let dataDir: string;
    let schema: string | undefined;
    let env: Record<string, string>;
    let people: { zhang: string; liu: string; zhangAuth: string; liuAuth: string; wang: string; li: string };

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'healthcode-sunset-serving-'));
      let databaseUrl: string;
      if (engine === 'postgres') {
        schema = await createPostgresSchema('hc_sunset');
        databaseUrl = postgresUrlInSchema(schema);
      } else databaseUrl = `sqlite:${join(dataDir, 'healthcode.db')}`;
      env = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl };
      const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
      try {
        const { services } = opened;
        const now = Date.now();
        const zhang = (await services.residents.register(ZHANG_WEI)).id;
        const liu = (await services.residents.register(LIU_FANG)).id;
        const bearer = async (id: string) => `Bearer ${(await services.signIn.sessionFor(id, now)).token}`;
        people = {
          zhang,
          liu,
          zhangAuth: await bearer(zhang),
          liuAuth: await bearer(liu),
          wang: (await services.staff.create('余杭区卫健局 王局长', 'authority')).token,
          li: (await services.staff.create('余杭区疾控中心 李主任', 'authority')).token,
        };
      } finally {
        await opened.close();
      }
    });

    after(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        await dropPostgresSchema(schema);
      }
    });

    it("ends the region's sessions and codes in the serving process at once, and it stores nothing new for the region", { timeout: 240_000 }, async () => {
      const server: Running = await serve(dataDir, env);
      try {
        const call = (method: string, path: string, auth: string, body?: unknown) =>
          fetch(`${server.url}${path}`, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
        // The server has seen Zhang's session and shown his code: both are in its memory now.
        for (const [id, auth] of [[people.zhang, people.zhangAuth], [people.liu, people.liuAuth]] as const) {
          assert.equal((await call('POST', `/api/v1/residents/${id}/declarations`, auth, healthy)).status, 201);
          assert.equal((await call('GET', `/api/v1/residents/${id}/code`, auth)).status, 200);
          assert.equal((await call('GET', `/api/v1/residents/${id}/code`, auth)).status, 200);
        }

        const asked = await cli(dataDir, ['sunset', '--region', '330110'], { ...env, HEALTHCODE_STAFF_TOKEN: people.wang });
        assert.equal(asked.status, 0, asked.stderr);
        const done = await cli(dataDir, ['sunset', '--region', '330110'], { ...env, HEALTHCODE_STAFF_TOKEN: people.li });
        assert.equal(done.status, 0, done.stderr);
        assert.match(done.stdout, /1-4 residents' personal data destroyed/);

        // The very next requests: no waiting for a cache to age.
        const code = await call('GET', `/api/v1/residents/${people.zhang}/code`, people.zhangAuth);
        assert.equal(code.status, 401, `his code is not shown: ${await code.text()}`);
        assert.equal((await call('POST', `/api/v1/residents/${people.zhang}/declarations`, people.zhangAuth, healthy)).status, 401, 'no declaration is stored');
        assert.equal((await call('POST', `/api/v1/residents/${people.zhang}/appeals`, people.zhangAuth, { message: '我一直居家，请复核。' })).status, 401, 'no appeal is stored');
        assert.equal((await call('GET', `/api/v1/residents/${people.liu}/code`, people.liuAuth)).status, 200, 'Xihu is served as before');
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      // Nothing of the region was written after the sunset.
      const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
      try {
        const { db } = opened.store;
        for (const table of ['declarations', 'appeals', 'decisions', 'resident_status', 'sessions'] as const) {
          assert.deepEqual(await db.selectFrom(table).select('resident_id').where('resident_id', '=', people.zhang).execute(), [], `no ${table} row of his`);
        }
      } finally {
        await opened.close();
      }
    });
  });
}
