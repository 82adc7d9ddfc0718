import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { backupCommand } from '../../src/cli/backup-command.js';
import { sealManifest, type BackupManifest } from '../../src/cli/backup-manifest.js';
import { tablesIn } from '../../src/cli/database-copy.js';
import { restorePostgres } from '../../src/cli/postgres-restore.js';
import { holdServing, RESTORE_MARKER } from '../../src/cli/restore-guards.js';
import { loadConfig } from '../../src/config.js';
import { FileRegionKeys } from '../../src/privacy/region-keys.js';
import { ENGINES } from '../support/engines.js';
import { serve } from '../support/spawned-server.js';
import { sunsetOperator, type SunsetOperator } from '../support/sunset-operator.js';
import { printed, refused, restoreHere as restoreIn, restoreMachines } from '../support/restore-machines.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const PORTS = { sqlite: '19403', postgres: '19404' };

/**
 * An attacker who can write to the backups' storage (but holds no data key), an operator who restores
 * under a running server, and a restore killed part-way, against `healthcode backup` and `restore`.
 */
for (const engine of ENGINES) {
  describe(`backup and restore attacked [${engine}]`, () => {
    let op: SunsetOperator;
    let backupDir: string;
    let dataKey: Buffer;
    const work = mkdtempSync(join(tmpdir(), 'healthcode-backup-attack-'));
    const machines = restoreMachines(engine, work, () => op, 'hc_attack');
    const copyName = engine === 'sqlite' ? 'database.sqlite' : 'database.pgdump';
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await op?.dispose();
      await machines.dispose();
    });

    const newMachine = machines.newMachine;
    const restoreHere = (env: Record<string, string>, from = backupDir, extra: string[] = []) => restoreIn(env, from, extra);
    const backupHere = (out: string) => printed((print) => backupCommand(['--out', out], op.config(), new Date(), refused, print));
    const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    /** The attacker's step after altering a file: its sha256 and size put back into the manifest. */
    function rehash(dir: string, index: number): void {
      const m = manifestOf(dir);
      const path = join(dir, m.files[index]!.name);
      m.files[index] = { ...m.files[index]!, bytes: statSync(path).size, sha256: sha256(path) };
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    }
    /** Whatever is at the target: the SQLite file, or the tables of the schema. */
    const held = async (machine: { dataDir: string; env: Record<string, string> }) =>
      engine === 'sqlite' ? (existsSync(join(machine.dataDir, 'healthcode.db')) ? ['healthcode.db'] : []) : tablesIn(machine.env.HEALTHCODE_DATABASE_URL!, manifestOf(backupDir).postgresSchema!);

    before(async () => {
      op = await sunsetOperator(engine);
      dataKey = Buffer.from(readFileSync(join(op.dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
      backupDir = join(work, 'backup');
      await backupHere(backupDir);
    });

    it("writes every file of a backup as its owner's alone, in a directory made 700 though it was 777", async () => {
      const loose = join(work, 'loose');
      mkdirSync(loose);
      chmodSync(loose, 0o777);
      await backupHere(loose);
      assert.equal(statSync(loose).mode & 0o777, 0o700);
      for (const name of [copyName, 'district-keys.json', 'manifest.json']) assert.equal(statSync(join(loose, name)).mode & 0o777, 0o600, name);
    });

    it('refuses to write a backup through a symbolic link', async () => {
      mkdirSync(join(work, 'real'));
      symlinkSync(join(work, 'real'), join(work, 'link'));
      await assert.rejects(backupHere(join(work, 'link')), /--out: .*link is a symbolic link/);
    });

    it('refuses a database copy altered and re-hashed into its manifest, and writes nothing', async () => {
      const forged = join(work, 'forged');
      cpSync(backupDir, forged, { recursive: true });
      if (engine === 'sqlite') {
        const db = new BetterSqlite3(join(forged, copyName));
        db.exec("update resident_status set colour = 'green'");
        db.close();
      } else {
        const bytes = readFileSync(join(forged, copyName));
        bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
        writeFileSync(join(forged, copyName), bytes);
      }
      rehash(forged, 0);
      const machine = await newMachine('after-forged');
      await assert.rejects(restoreHere(machine.env, forged), /mac: the manifest is not as `healthcode backup` sealed it under this data key: the backup was altered/);
      assert.deepEqual(await held(machine), []);
    });

    it('refuses a manifest with a district dropped from it', async () => {
      const dropped = join(work, 'dropped');
      cpSync(backupDir, dropped, { recursive: true });
      writeFileSync(join(dropped, 'manifest.json'), JSON.stringify({ ...manifestOf(dropped), regions: ['330106'] }));
      await assert.rejects(restoreHere((await newMachine('after-dropped')).env, dropped), /mac: the manifest is not as `healthcode backup` sealed it/);
    });

    it('refuses a backup inside the data directory it would replace', async () => {
      const inside = join(op.dataDir, 'backup-inside');
      cpSync(backupDir, inside, { recursive: true });
      await assert.rejects(restoreHere({ ...op.env, HEALTHCODE_DATA_DIR: op.dataDir }, inside, ['--replace']), /--from: .*backup-inside is inside .*, which the restore replaces/);
      rmSync(inside, { recursive: true });
    });

    it('does not follow a link out of the backup in place of a file', async () => {
      const linked = join(work, 'linked');
      cpSync(backupDir, linked, { recursive: true });
      copyFileSync(join(linked, copyName), join(work, 'elsewhere'));
      rmSync(join(linked, copyName));
      symlinkSync(join(work, 'elsewhere'), join(linked, copyName));
      await assert.rejects(restoreHere((await newMachine('after-linked')).env, linked), new RegExp(`files\\[0\\]: ${copyName.replace('.', '\\.')} is not a regular file`));
    });

    it('refuses a restore over a running server, naming it, and leaves its database as it was', async () => {
      const server = await serve(op.dataDir, { ...op.env, HEALTHCODE_PORT: PORTS[engine] }, undefined, [], 240_000);
      try {
        await assert.rejects(restoreHere({ ...op.env, HEALTHCODE_DATA_DIR: op.dataDir }, backupDir, ['--replace']), /a server is running on this database \(healthcode serve.*pid \d+.*\): stop it first/);
        assert.equal(existsSync(join(op.dataDir, RESTORE_MARKER)), false, 'no restore mark left behind');
        assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });

    it('a restore killed once the database is in place, before the keys, leaves a target serve refuses until restore --replace finishes it', async () => {
      const machine = await newMachine('killed');
      const killed = op.cli(['restore', '--from', backupDir], machine.env, 'database-restored');
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      await assert.rejects(holdServing(loadConfig(machine.env)), /did not finish \(restore-in-progress\.json is there\).*finish it with `healthcode restore --replace --from /);
      assert.match(await restoreHere(machine.env, backupDir, ['--replace']), /restored the .* and 2 district keys/);
      assert.equal(existsSync(join(machine.dataDir, RESTORE_MARKER)), false);
      const release = await holdServing(loadConfig(machine.env));
      release();
    });

    if (engine === 'postgres') {
      it('a restore --replace killed inside its transaction, the old tables dropped and the copy loaded, leaves them whole', async () => {
        const machine = await newMachine('killed-in-transaction');
        await restoreHere(machine.env);
        const before = await held(machine);
        const killed = op.cli(['restore', '--replace', '--from', backupDir], machine.env, 'database-before-commit');
        assert.equal(killed.signal, 'SIGKILL', killed.stderr);
        assert.deepEqual(await held(machine), before);
      });

      it('a backup on a URL without a search_path names the setting, not a missing table', async () => {
        const url = new URL(op.databaseUrl);
        url.searchParams.delete('options');
        const config = loadConfig({ ...op.env, HEALTHCODE_DATA_DIR: op.dataDir, HEALTHCODE_DATABASE_URL: url.toString() });
        await assert.rejects(
          printed((print) => backupCommand(['--out', join(work, 'no-search-path')], config, new Date(), refused, print)),
          /HEALTHCODE_DATABASE_URL: schema public, the first of its search_path, holds no healthcode tables: set the search_path/,
        );
      });

      it('a dump that fails half-way leaves the old schema whole', async () => {
        const machine = await newMachine('broken-dump');
        await restoreHere(machine.env);
        const before = await held(machine);
        const broken = join(work, 'broken.pgdump');
        copyFileSync(join(backupDir, copyName), broken);
        truncateSync(broken, Math.floor(statSync(broken).size * 0.6));
        await assert.rejects(restorePostgres(machine.env.HEALTHCODE_DATABASE_URL!, manifestOf(backupDir).postgresSchema!, broken, () => undefined), /pg_restore failed|psql failed/);
        assert.deepEqual(await held(machine), before);
      });
    }

    // Last: it destroys Yuhang's escrow entry, as its sunset does.
    it("refuses a pre-sunset backup whose key file no longer names the district, from the copy's own residents", async () => {
      new FileRegionKeys(op.escrowDir, false).destroy('330110');
      const hidden = join(work, 'hidden');
      cpSync(backupDir, hidden, { recursive: true });
      const keyFile = JSON.parse(readFileSync(join(hidden, 'district-keys.json'), 'utf8')) as { keys: { region: string }[] };
      writeFileSync(join(hidden, 'district-keys.json'), JSON.stringify({ ...keyFile, keys: keyFile.keys.filter((k) => k.region !== '330110') }));
      rehash(hidden, 1);
      // Even one holding the data key, who seals the manifest again, does not get it past.
      const { mac: _, ...rest } = { ...manifestOf(hidden), regions: ['330106'] };
      writeFileSync(join(hidden, 'manifest.json'), JSON.stringify(sealManifest(rest, dataKey)));
      const machine = await newMachine('after-hidden');
      await assert.rejects(restoreHere(machine.env, hidden), /regions: the database copy holds residents of 330110, whose escrow entries are destroyed/);
      assert.deepEqual(await held(machine), []);
    });
  });
}
