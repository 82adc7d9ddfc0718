import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createPostgresSchema, dropPostgresSchema, ENGINES, postgresUrlInSchema } from '../support/engines.js';
import { withCheck } from '../support/people.js';
import { CLI, serverEnv } from '../support/spawned-server.js';

/** More than one chunk of a thousand: the crash falls between the first and the second. */
const RESIDENTS = 1500;
const phoneOf = (i: number) => `1390000${String(i).padStart(4, '0')}`;
const idNumberOf = (i: number) => withCheck(`330110${new Date(Date.UTC(1990, 0, 1 + Math.floor(i / 900))).toISOString().slice(0, 10).replace(/-/g, '')}${100 + (i % 900)}`);
const DAY_MS = 86_400_000;
/** The CLI runs on the real clock: a stay in Wuchang a week ago, and the district listed from ten days ago. */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const WUCHANG_STAY = { region: '420106', arrival: daysAgo(7), departure: daysAgo(6) };

for (const engine of ENGINES) {
  describe(`a re-decision cut short between chunks [${engine}]`, () => {
    let dataDir: string;
    let schema: string | undefined;
    let env: Record<string, string>;
    let colourBefore: Map<string, string>;
    const open = () => openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'healthcode-redecision-crash-'));
      if (engine === 'postgres') schema = await createPostgresSchema('hc_redecide_crash');
      env = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: schema ? postgresUrlInSchema(schema) : `sqlite:${join(dataDir, 'healthcode.db')}`, HEALTHCODE_VERIFY_THREADS: '0' };
      const opened = await open();
      try {
        // Everyone was in Wuchang a week ago, and not red: the district is not listed yet.
        for (let i = 0; i < RESIDENTS; i += 1) {
          const { id } = await opened.services.residents.register({ name: `居民${i}`, idType: 'resident_id', idNumber: idNumberOf(i), phone: phoneOf(i), address: { region: '330110', detail: `五常街道 ${i} 号` } });
          await opened.services.declarations.declare(id, { stays: [WUCHANG_STAY], contacts: [], symptoms: [], temperature: 36.5 });
        }
        colourBefore = new Map((await opened.store.db.selectFrom('resident_status').select(['resident_id', 'colour']).execute()).map((r) => [r.resident_id, r.colour]));
      } finally {
        await opened.close();
      }
    });

    after(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) await dropPostgresSchema(schema);
    });

    it('leaves each resident with their old colour or their new one, the rest queued, and the next drain finishes', { timeout: 600_000 }, async () => {
      const file = join(dataDir, 'areas.csv');
      writeFileSync(file, `region,level,from\n420100,high,${daysAgo(10)}\n`);
      const run = spawnSync(process.execPath, [...CLI.slice(0, -1), '--import', './test/support/crash-at.ts', ...CLI.slice(-1), 'import', 'risk-areas', file], { env: serverEnv(dataDir, { ...env, HEALTHCODE_TEST_CRASH_AT: 'redecision-chunk-saved' }), encoding: 'utf8' });
      assert.equal(run.signal, 'SIGKILL', `the import was killed (${run.stderr})`);

      const opened = await open();
      try {
        const db = opened.store.db;
        const colours = await db.selectFrom('resident_status').select(['resident_id', 'colour']).execute();
        const queued = new Set((await db.selectFrom('redecision_queue').select('resident_id').execute()).map((r) => r.resident_id));
        assert.equal(colours.length, RESIDENTS);
        assert.equal(colourBefore.size, RESIDENTS);
        assert.ok(![...colourBefore.values()].includes('red'));
        for (const c of colours) {
          const decided = c.colour === 'red';
          if (!decided) assert.equal(c.colour, colourBefore.get(c.resident_id), 'the old colour, or the new one');
          assert.equal(queued.has(c.resident_id), !decided, 'queued exactly while undecided');
        }
        assert.equal(colours.filter((c) => c.colour === 'red').length, 1000, 'the first chunk, whole');

        const finished = await opened.services.authority.redecideQueued();
        assert.equal(finished.redecided, RESIDENTS - 1000);
        const after = await db.selectFrom('resident_status').select('colour').where('colour', '!=', 'red').execute();
        assert.equal(after.length, 0, 'everyone is red');
        assert.equal((await db.selectFrom('redecision_queue').select('resident_id').execute()).length, 0, 'the queue is empty');
        const notices = await db.selectFrom('colour_notices').select('resident_id').execute();
        assert.equal(new Set(notices.map((n) => n.resident_id)).size, RESIDENTS, 'everyone is told');
        assert.equal(notices.length, RESIDENTS, 'once');
      } finally {
        await opened.close();
      }
    });
  });
}
