import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { clearRestore, holdServing, markRestore, registerSqliteServer, RESTORE_MARKER, sqliteServers, unfinishedRestore } from '../../src/cli/restore-guards.js';

const NOW = new Date('2026-12-06T03:00:00.000Z');

describe('keeping restore and serve apart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-guards-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a restore under way is told by its mark, naming the backup and when it started, until cleared', () => {
    const data = join(dir, 'marked');
    markRestore(data, '/backups/b3', NOW);
    assert.deepEqual(unfinishedRestore(data), { from: '/backups/b3', startedAt: NOW.toISOString() });
    clearRestore(data);
    assert.equal(unfinishedRestore(data), undefined);
  });

  it('a mark cut short while written is still a restore cut short', () => {
    const data = join(dir, 'half-marked');
    mkdirSync(data);
    writeFileSync(join(data, RESTORE_MARKER), '{"from": "/backups/b');
    assert.ok(unfinishedRestore(data));
  });

  it('serve refuses a data directory a restore left marked, saying what finishes it', async () => {
    const data = join(dir, 'cut-short');
    markRestore(data, '/backups/b3', NOW);
    const config = loadConfig({ HEALTHCODE_DATA_DIR: data });
    await assert.rejects(holdServing(config), /did not finish \(restore-in-progress\.json is there\).*healthcode restore --replace --from \/backups\/b3/);
    assert.deepEqual(sqliteServers(join(data, 'healthcode.db')), [], 'the refused server says nothing of itself');
  });

  it('a serving SQLite process is seen until it unsays it', () => {
    const database = join(dir, 'serving.db');
    const unregister = registerSqliteServer(database);
    assert.deepEqual(sqliteServers(database), [process.pid]);
    unregister();
    assert.deepEqual(sqliteServers(database), []);
  });

  it("a crashed server's word is not taken: its pid no longer runs", () => {
    const database = join(dir, 'crashed.db');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    registerSqliteServer(database, Number(gone.stdout));
    assert.deepEqual(sqliteServers(database), []);
    assert.equal(existsSync(join(`${database}.serving`, gone.stdout)), false, 'cleared');
  });
});
