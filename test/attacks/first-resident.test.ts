import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPostgresSchema, dropPostgresSchema, ENGINES, postgresUrlInSchema } from '../support/engines.js';
import { NO_LIMITS_ENV, serve, type Running } from '../support/spawned-server.js';

/**
 * A new deployment holds no district key until its first resident registers, and a start has proven
 * no index from before district keys is left: a look-up then has no index at all to match. Found from
 * the outside: PostgreSQL refused the empty list (`in ()`), so no code could be sent, nobody could
 * register, demo data could not start, and an operator whose last district ended could register nobody.
 */
describe('a new deployment takes its first resident', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A server on a database nobody has used yet, started as an operator starts one. */
  async function freshServer(engine: string, extra: Record<string, string>): Promise<Running> {
    const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-first-'));
    const schema = engine === 'postgres' ? await createPostgresSchema('hc_first') : undefined;
    const databaseUrl = schema === undefined ? `sqlite:${join(dataDir, 'healthcode.db')}` : postgresUrlInSchema(schema);
    const server = await serve(dataDir, { ...NO_LIMITS_ENV, HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64'), ...extra }, undefined, [], 180_000);
    cleanups.push(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      if (schema !== undefined) await dropPostgresSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    });
    return server;
  }

  for (const engine of ENGINES) {
    it(`sends a sign-in code to the first phone that asks, with no district key held yet (${engine})`, { timeout: 240_000 }, async () => {
      const server = await freshServer(engine, { HEALTHCODE_DEMO_DATA: 'off' });
      const asked = await fetch(`${server.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13900000001' }) });
      assert.equal(asked.status, 202, await asked.text());
    });

    it(`starts with demo data on a database nobody has used (${engine})`, { timeout: 240_000 }, async () => {
      const server = await freshServer(engine, { HEALTHCODE_DEMO_DATA: 'on' });
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
    });
  }
});
