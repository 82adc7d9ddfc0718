import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backupCommand } from '../../src/cli/backup-command.js';
import { sealManifest } from '../../src/cli/backup-manifest.js';
import { restoreCommand } from '../../src/cli/restore-command.js';
import { openServices } from '../../src/cli/server.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { TokenVerifier } from '../../src/codes/token-verifier.js';
import type { TrustList } from '../../src/codes/trust-list.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { openBackup, parseBackup } from '../../src/privacy/key-backup.js';
import { FileRegionKeys, MemoryRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';
import pg from 'pg';
import { ENGINES, onTestPostgres } from '../support/engines.js';
import { serve } from '../support/spawned-server.js';
import { sunsetOperator, XIHU, YUHANG, type SunsetOperator } from '../support/sunset-operator.js';
import { printed, refused, restoreHere as restoreIn, restoreMachines } from '../support/restore-machines.js';

/** Ports of this file's servers, one per engine, in the range given to these tests. */
const PORTS = { sqlite: '19401', postgres: '19402' };

for (const engine of ENGINES) {
  /**
   * The operator of sunset-operator (Yuhang's three residents, Xihu's one, their declarations and
   * colours, two authorities, an auditor, the audit entries of it all) backs up with `healthcode
   * backup`; the machine is lost; a new machine gets the data key (backed up apart), mounts the
   * escrow and restores into a fresh data directory and database.
   */
  describe(`healthcode backup and restore [${engine}]`, () => {
    let op: SunsetOperator;
    let backupDir: string;
    let token: string;
    let auditorToken: string;
    let auditEntries: number;
    const work = mkdtempSync(join(tmpdir(), 'healthcode-backup-'));
    const machines = restoreMachines(engine, work, () => op, 'hc_restore');
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await op?.dispose();
      await machines.dispose();
    });

    /** A new machine: a data directory with only the data key, and (PostgreSQL) a database of its own, empty. */
    const newMachine = machines.newMachine;
    const restore = (machine: { env: Record<string, string> }, from = backupDir, extra: string[] = []) => op.cli(['restore', '--from', from, ...extra], machine.env);
    const restoreHere = (env: Record<string, string>, from = backupDir, extra: string[] = []) => restoreIn(env, from, extra);
    const backupHere = (out: string, now = new Date()) => printed((print) => backupCommand(['--out', out], loadConfig({ HEALTHCODE_DATA_DIR: op.dataDir, ...op.env }), now, refused, print));

    before(async () => {
      op = await sunsetOperator(engine);
      const opened = await op.open();
      try {
        token = (await opened.services.healthCodes.issue(op.ids[XIHU.idNumber]!)).token;
        auditorToken = (await opened.services.staff.create('浙江省卫健委 审计员', 'auditor')).token;
        const verified = await opened.services.audit.verify();
        assert.equal(verified.firstBroken, null);
        auditEntries = verified.entries;
        assert.ok(auditEntries >= 1, 'the sunset asked for: audited');
      } finally {
        await opened.close();
      }
      backupDir = join(work, 'backup');
      const made = op.cli(['backup', '--out', backupDir]);
      assert.equal(made.status, 0, made.stderr);
      assert.match(made.stdout, new RegExp(`^backed up the ${engine} database \\(schema \\d{4}-[a-z-]+\\) and 2 district keys to .*; restorable until \\d{4}-`));
    });

    it('writes a manifest naming the time, engine, schema, districts, expiry and each file with its sha256', () => {
      const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
      assert.equal(manifest.engine, engine);
      assert.deepEqual(manifest.regions, ['330106', '330110']);
      assert.equal(Date.parse(manifest.expiresAt) - Date.parse(manifest.createdAt), 30 * 86_400_000);
      assert.deepEqual(
        manifest.files.map((f: { name: string }) => f.name),
        [engine === 'sqlite' ? 'database.sqlite' : 'database.pgdump', 'district-keys.json'],
      );
      for (const f of manifest.files) assert.match(f.sha256, /^[0-9a-f]{64}$/);
    });

    it('never writes a backup over another', async () => {
      await assert.rejects(backupHere(backupDir), /--out: .* is not empty; a backup is never written over another/);
    });

    it('restores into a fresh data directory and database, where the server starts with the residents, a code and the audit chain', async () => {
      const machine = await newMachine('fresh');
      const restored = restore(machine);
      assert.equal(restored.status, 0, restored.stderr);
      assert.match(restored.stdout, /^restored the .* database of .* and 2 district keys/);

      const server = await serve(machine.dataDir, { ...machine.env, HEALTHCODE_PORT: PORTS[engine] }, undefined, [], 240_000);
      try {
        const trustList = (await (await fetch(`${server.url}/api/v1/trust-list`)).json()) as TrustList;
        const verified = await new TokenVerifier(trustList, nodeVerify()).verify(token, Date.now());
        assert.equal(verified.valid, true, JSON.stringify(verified));
        const chain = (await (await fetch(`${server.url}/api/v1/audit-log/verify`, { headers: { authorization: `Bearer ${auditorToken}` } })).json()) as { entries: number; firstBroken: number | null };
        assert.equal(chain.firstBroken, null);
        assert.ok(chain.entries >= auditEntries, `${chain.entries} entries, ${auditEntries} before`);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      const opened = await openServices(loadConfig(machine.env), createLogger('silent'));
      try {
        for (const person of [...YUHANG, XIHU]) assert.equal((await opened.services.residents.get(op.ids[person.idNumber]!)).name, person.name);
      } finally {
        await opened.close();
      }
    });

    it('refuses a backup whose database copy was altered, naming the file, and writes nothing', async () => {
      const altered = join(work, 'altered');
      cpSync(backupDir, altered, { recursive: true });
      const name = engine === 'sqlite' ? 'database.sqlite' : 'database.pgdump';
      const bytes = readFileSync(join(altered, name));
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
      writeFileSync(join(altered, name), bytes);
      const machine = await newMachine('after-altered');
      await assert.rejects(restoreHere(machine.env, altered), new RegExp(`files\\[0\\]: ${name.replace('.', '\\.')} does not match its sha256`));
      assert.ok(!existsSync(join(machine.dataDir, 'healthcode.db')) && !existsSync(join(machine.dataDir, 'keys', 'regions')), 'nothing written');
    });

    it('refuses a manifest whose expiry was moved later, as the manifest is sealed under the data key', async () => {
      const extended = join(work, 'extended');
      cpSync(backupDir, extended, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(extended, 'manifest.json'), 'utf8'));
      writeFileSync(join(extended, 'manifest.json'), JSON.stringify({ ...manifest, expiresAt: '2099-01-01T00:00:00.000Z' }));
      await assert.rejects(restoreHere((await newMachine('after-extended')).env, extended), /mac: the manifest is not as `healthcode backup` sealed it under this data key/);
    });

    it('refuses a backup of a schema newer than the code knows', async () => {
      const newer = join(work, 'newer');
      cpSync(backupDir, newer, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(newer, 'manifest.json'), 'utf8'));
      // Sealed as a newer healthcode, holding the data key, would seal it.
      const { mac: _, ...fields } = { ...manifest, schema: '0999-from-the-future' };
      writeFileSync(join(newer, 'manifest.json'), JSON.stringify(sealManifest(fields, Buffer.from(readFileSync(join(op.dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64'))));
      await assert.rejects(restoreHere((await newMachine('after-newer')).env, newer), /schema: 0999-from-the-future is newer than this healthcode knows/);
    });

    it('refuses a backup past its retention', async () => {
      const old = join(work, 'old');
      // Made 31 days ago with the default 30 days' retention.
      await backupHere(old, new Date(Date.now() - 31 * 86_400_000));
      await assert.rejects(restoreHere((await newMachine('after-old')).env, old), /expiresAt: the backup expired at .*: it may not be restored/);
    });

    it('refuses a restore under another data key', async () => {
      const machine = await newMachine('other-key');
      await assert.rejects(restoreHere({ ...machine.env, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') }), /dataKeyId: the backup was made under data key \S+, this is \S+: restore that data key/);
    });

    it('refuses to restore over a non-empty target, and with --replace says what it replaces', async () => {
      const env = { ...op.env, HEALTHCODE_DATA_DIR: op.dataDir };
      await assert.rejects(restoreHere(env), /the target is not empty \(.*2 district keys in .*\): restore into a fresh data directory and an empty database, or give --replace/);
      assert.match(await restoreHere(env, backupDir, ['--replace']), /^replacing .* and the district keys of 330106, 330110\nrestored the /);
    });

    it("refuses a backup taken before a region's sunset once it has run, and its key file opens nothing of that region", async () => {
      const ran = op.cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: op.tokens.li });
      assert.equal(ran.status, 0, ran.stderr);
      const machine = await newMachine('after-sunset');
      await assert.rejects(restoreHere(machine.env), /regions: the sunset of 330110 has run since this backup was made .* may not be restored: restore a backup made after that sunset/);
      assert.ok(!existsSync(join(machine.dataDir, 'healthcode.db')), 'no database written');
      assert.deepEqual(existsSync(join(machine.dataDir, 'keys', 'regions')) ? readdirSync(join(machine.dataDir, 'keys', 'regions')) : [], [], 'no key written');

      // The attacker who skips the command and opens the key file with the data key and the escrow as the sunset left it.
      const master = Buffer.from(readFileSync(join(op.dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
      const opened = openBackup(parseBackup(readFileSync(join(backupDir, 'district-keys.json'), 'utf8')), new FileRegionKeys(op.escrowDir, false), RegionKeys.underMasterKey(new MemoryRegionKeys(), master), new Date());
      assert.deepEqual(opened.shredded, ['330110']);
      assert.deepEqual(opened.opened.map((k) => k.region), ['330106']);

      // A backup made after the sunset holds Xihu alone, and restores.
      const fresh = join(work, 'after-sunset-backup');
      await backupHere(fresh);
      assert.deepEqual(JSON.parse(readFileSync(join(fresh, 'manifest.json'), 'utf8')).regions, ['330106']);
      assert.match(await restoreHere((await newMachine('after-sunset-2')).env, fresh), /^restored the .* and 1 district keys/);
    });
  });
}

/**
 * PostgreSQL served from the `public` schema by a URL naming no search_path, as many installations
 * are: `public` always exists, so the dump's own CREATE SCHEMA must not run on restore, and the
 * schema must not be dropped to make room (it holds the database administrator's grants).
 */
describe('healthcode backup and restore [postgres, public schema, no search_path]', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among HEALTHCODE_TEST_ENGINES' }, () => {
  let op: SunsetOperator;
  const work = mkdtempSync(join(tmpdir(), 'healthcode-backup-public-'));
  const backupDir = join(work, 'backup');
  const databases: string[] = [];
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await op?.dispose();
    for (const name of databases) await onTestPostgres(`drop database if exists "${name}" with (force)`);
  });
  before(async () => {
    op = await sunsetOperator('postgres', { inPublic: true });
    await printed((print) => backupCommand(['--out', backupDir], op.config(), new Date(), refused, print));
  });

  /** A new machine with the data key only, and a database of its own, served from its public schema. */
  async function newMachine(name: string): Promise<Record<string, string>> {
    const dataDir = join(work, name);
    mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    copyFileSync(join(op.dataDir, 'keys', 'data.key'), join(dataDir, 'keys', 'data.key'));
    const database = `hc_restore_${randomBytes(5).toString('hex')}`;
    await onTestPostgres(`create database "${database}"`);
    databases.push(database);
    const url = new URL(op.databaseUrl);
    url.pathname = `/${database}`;
    return { ...op.env, HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DATABASE_URL: url.toString() };
  }
  const restoreHere = (env: Record<string, string>, extra: string[] = []) => printed((print) => restoreCommand(['--from', backupDir, ...extra], loadConfig(env), new Date(), refused, print));

  it('names the public schema in the manifest', () => {
    assert.equal(JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')).postgresSchema, 'public');
  });

  it('restores into the public schema of a fresh database, with the residents and an intact audit chain', async () => {
    const env = await newMachine('fresh');
    assert.match(await restoreHere(env), /^restored the postgres database .* and 2 district keys/);
    const opened = await openServices(loadConfig(env), createLogger('silent'));
    try {
      for (const person of [...YUHANG, XIHU]) assert.equal((await opened.services.residents.get(op.ids[person.idNumber]!)).name, person.name);
      assert.equal((await opened.services.audit.verify()).firstBroken, null);
    } finally {
      await opened.close();
    }
  });

  it('with --replace, replaces the tables of public and keeps the schema itself', async () => {
    const env = { ...op.env, HEALTHCODE_DATA_DIR: op.dataDir };
    await assert.rejects(restoreHere(env), /the target is not empty/);
    assert.match(await restoreHere(env, ['--replace']), /^replacing \d+ tables of schema public and the district keys of 330106, 330110\nrestored the /);
    const opened = await openServices(loadConfig(env), createLogger('silent'));
    try {
      assert.equal((await opened.services.residents.get(op.ids[XIHU.idNumber]!)).name, XIHU.name);
    } finally {
      await opened.close();
    }
  });

  it('refuses a URL whose server would read another schema (one named after the user comes first), naming the setting', async () => {
    const env = await newMachine('user-schema');
    const url = new URL(env.HEALTHCODE_DATABASE_URL!);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    let user: string;
    try {
      user = (await client.query<{ user: string }>('select current_user as user')).rows[0]!.user;
      await client.query(`create schema if not exists "${user}"`);
    } finally {
      await client.end();
    }
    await assert.rejects(restoreHere(env), new RegExp(`HEALTHCODE_DATABASE_URL: the backup is restored into schema public, but a server on this URL would read schema ${user}: set its search_path to public`));
  });
});
