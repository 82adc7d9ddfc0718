import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { withCheck } from '../support/people.js';
import { serve } from '../support/spawned-server.js';

const RESIDENTS = 2000;
const KILL_AFTER_FACTS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const phoneOf = (i: number) => `1390000${String(i).padStart(4, '0')}`;
/** A distinct, well-formed mainland ID number: born on one of several days in 1990, sequence 100 to 999. */
const idNumberOf = (i: number) => withCheck(`330110${new Date(Date.UTC(1990, 0, 1 + Math.floor(i / 900))).toISOString().slice(0, 10).replace(/-/g, '')}${100 + (i % 900)}`);

for (const engine of ENGINES) {
  describe(`an import cut short by a crash [${engine}]`, () => {
    let dataDir: string;
    let databaseUrl: string;
    let schema: string | undefined;
    let staffToken: string;
    let env: Record<string, string>;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'healthcode-import-crash-'));
      if (engine === 'postgres') {
        schema = `hc_crash_${randomBytes(5).toString('hex')}`;
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`create schema "${schema}"`);
        await client.end();
        databaseUrl = postgresUrlInSchema(schema);
      } else databaseUrl = `sqlite:${join(dataDir, 'healthcode.db')}`;
      env = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl };
      const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
      try {
        for (let i = 0; i < RESIDENTS; i += 1) {
          await opened.services.residents.register({
            name: `居民${i}`,
            idType: 'resident_id',
            idNumber: idNumberOf(i),
            phone: phoneOf(i),
            address: { region: '330110', detail: `五常街道 ${i} 号` },
          });
        }
        staffToken = (await opened.services.staff.create('余杭区疾控中心 数据组', 'authority')).token;
      } finally {
        await opened.close();
      }
    });

    after(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
      }
    });

    async function watch<T>(look: (store: DatabaseHandle) => Promise<T>): Promise<T> {
      const store = await openDatabase(engine === 'sqlite' ? { kind: 'sqlite', path: join(dataDir, 'healthcode.db') } : { kind: 'postgres', url: databaseUrl }, { poolSize: 1 });
      try {
        return await look(store);
      } finally {
        await store.close();
      }
    }

    const factCount = () => watch(async (s) => (await s.db.selectFrom('authority_facts').select('id').execute()).length);
    /** Residents with a stored positive test and no red colour on record. */
    const withoutRed = () =>
      watch(async (s) => {
        const facts = await s.db.selectFrom('authority_facts').select('resident_id').execute();
        const red = new Set((await s.db.selectFrom('resident_status').select('resident_id').where('colour', '=', 'red').execute()).map((r) => r.resident_id));
        return facts.filter((f) => !red.has(f.resident_id)).length;
      });

    it('gives every resident whose row was stored before the crash their colour after the restart', { timeout: 180_000 }, async () => {
      const first = await serve(dataDir, env);
      const today = new Date().toISOString().slice(0, 10);
      const csv = ['phone,result,date', ...Array.from({ length: RESIDENTS }, (_, i) => `${phoneOf(i)},positive,${today}T08:00:00+08:00`)].join('\n');
      void fetch(`${first.url}/api/v1/imports/tests`, { method: 'POST', headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'text/csv' }, body: csv }).catch(() => undefined);
      for (let i = 0; i < 600 && (await factCount()) < KILL_AFTER_FACTS; i += 1) await sleep(50);
      first.child.kill('SIGKILL');
      await first.exited;
      const stored = await factCount();
      assert.ok(stored >= KILL_AFTER_FACTS && stored < RESIDENTS, `the kill fell mid-import (${stored} of ${RESIDENTS} rows stored)`);

      const second = await serve(dataDir, env);
      try {
        let missing = await withoutRed();
        for (let i = 0; i < 200 && missing > 0; i += 1) {
          await sleep(100);
          missing = await withoutRed();
        }
        assert.equal(missing, 0, 'every resident with a stored positive test is red');
        // The queue is emptied just after the colours are stored: wait for it as for them.
        const queued = () => watch((s) => s.db.selectFrom('redecision_queue').select('resident_id').execute().then((r) => r.length));
        let left = await queued();
        for (let i = 0; i < 100 && left > 0; i += 1) {
          await sleep(100);
          left = await queued();
        }
        assert.equal(left, 0, 'the queue is empty');
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    });
  });
}
