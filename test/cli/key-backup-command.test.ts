import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { deriveSubkey, open } from '../../src/privacy/aead.js';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { parseBackup, restoreBackup } from '../../src/privacy/key-backup.js';
import { FileRegionKeys, MemoryRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';
import { openDatabase } from '../../src/store/database.js';
import { ENGINES } from '../support/engines.js';
import { sunsetOperator, XIHU, YUHANG, type SunsetOperator } from '../support/sunset-operator.js';

const PERSONAL = ['name_enc', 'identity_enc', 'phone_enc', 'address_enc'] as const;

for (const engine of ENGINES) {
  /**
   * The operator backs up the database and (with `healthcode keys backup`) the districts' keys, as
   * docs/operating.md says; Yuhang's sunset runs. Whoever holds that database copy, the backup, the master
   * key and the escrow as the sunset left it reads nothing of Yuhang's residents; Xihu's restore.
   */
  describe(`a backup taken the day before a sunset [${engine}]`, () => {
    let op: SunsetOperator;
    let backupFile: string;
    let copy: Record<string, unknown>[];
    const work = mkdtempSync(join(tmpdir(), 'healthcode-key-backup-'));
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await op?.dispose();
    });

    before(async () => {
      op = await sunsetOperator(engine);
      backupFile = join(work, 'keys-backup.json');
      const made = op.cli(['keys', 'backup', '--out', backupFile]);
      assert.equal(made.status, 0, made.stderr);
      assert.match(made.stdout, /^2 district keys backed up to .*; restorable until \d{4}-\d\d-\d\dT/);
      assert.equal(op.cli(['keys', 'backup', '--out', backupFile]).status, 2, 'never written over');
      // The database copy: every resident row as a dump holds it.
      const store = await openDatabase(op.config().database, { poolSize: 1 });
      copy = (await store.db.selectFrom('residents').selectAll().execute()) as Record<string, unknown>[];
      await store.close();

      const ran = op.cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: op.tokens.li });
      assert.equal(ran.status, 0, ran.stderr);
    });

    it("reveals no name, ID number, phone or address of Yuhang's residents with every key that remains", () => {
      const master = Buffer.from(readFileSync(join(op.dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
      const dump = JSON.stringify(copy);
      for (const person of YUHANG) for (const clear of [person.name, person.idNumber, person.phone!, person.address.detail]) assert.ok(!dump.includes(clear), 'nothing in clear in the copy');

      // The backup restored with the master key and the escrow as the sunset left it, onto the attacker's machine.
      const attacker = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
      const restored = restoreBackup(parseBackup(readFileSync(backupFile, 'utf8')), new FileRegionKeys(op.escrowDir, false), attacker, new Date());
      assert.deepEqual(restored.shredded, ['330110']);
      const cipher = new FieldCipher(master, attacker);
      const live = new FieldCipher(master, RegionKeys.underMasterKey(new FileRegionKeys(join(op.dataDir, 'keys', 'regions')), master));
      // Every key that remains, as raw AES keys too: the master key, what it derives, every escrow entry, every district key left.
      const remaining = [
        master,
        deriveSubkey(master, 'field encryption'),
        deriveSubkey(master, 'region key wrapping'),
        ...readdirSync(op.escrowDir).map((f) => Buffer.from(readFileSync(join(op.escrowDir, f), 'utf8').trim(), 'base64')),
        ...attacker.list('').map((k) => attacker.existing(k.region)!.key),
      ];
      const yuhangEntry = parseBackup(readFileSync(backupFile, 'utf8')).keys.find((k) => k.region === '330110')!;
      for (const key of remaining) assert.throws(() => open(key, Buffer.from(yuhangEntry.sealed, 'base64'), `district key backup 330110 until ${parseBackup(readFileSync(backupFile, 'utf8')).expiresAt}`));

      const yuhang = copy.filter((r) => r.address_region === '330110');
      assert.equal(yuhang.length, 3);
      for (const row of yuhang) {
        for (const field of PERSONAL) {
          const sealed = row[field] as string | null;
          if (sealed === null) continue;
          const context = `resident:${row.id as string}:${field.replace('_enc', '')}`;
          assert.throws(() => cipher.decrypt(sealed, context), `${field} with the restored backup`);
          assert.throws(() => live.decrypt(sealed, context), `${field} with the keys directory as it is`);
          const payload = Buffer.from(sealed.split('.')[2]!, 'base64');
          for (const key of remaining) assert.throws(() => open(key, payload, `${context}\u0000330110`), `${field} under any remaining key`);
        }
      }
      const liu = copy.find((r) => r.address_region === '330106')!;
      assert.equal(cipher.decrypt(liu.identity_enc as string, `resident:${liu.id as string}:identity`).includes(XIHU.idNumber), true, "Xihu's resident reads from the same backup");
    });

    it("restores Xihu onto a new machine from the same backup, and says Yuhang's keys are gone", async () => {
      // The machine lost: a new data directory with the master key (backed up apart) and the database.
      const newDir = join(work, 'new-machine');
      mkdirSync(join(newDir, 'keys'), { recursive: true, mode: 0o700 });
      copyFileSync(join(op.dataDir, 'keys', 'data.key'), join(newDir, 'keys', 'data.key'));
      const env = { ...op.env };
      if (engine === 'sqlite') {
        for (const f of readdirSync(op.dataDir).filter((f) => f.startsWith('healthcode.db') && statSync(join(op.dataDir, f)).isFile())) copyFileSync(join(op.dataDir, f), join(newDir, f));
        env.HEALTHCODE_DATABASE_URL = `sqlite:${join(newDir, 'healthcode.db')}`;
      }
      const cli = (args: string[]) => op.cli(args, { HEALTHCODE_DATA_DIR: newDir, ...env });
      const restored = cli(['keys', 'restore', '--from', backupFile]);
      assert.equal(restored.status, 0, restored.stderr);
      assert.match(restored.stdout, /^1 district keys restored to .*new-machine\/keys\/regions\nnot restored, their escrow entry destroyed by their region's sunset: 330110\n$/);
      const opened = await openServices(loadConfig({ ...env, HEALTHCODE_DATA_DIR: newDir }), createLogger('silent'));
      try {
        const liu = await opened.services.residents.get(op.ids[XIHU.idNumber]!);
        assert.equal(liu.name, XIHU.name);
        assert.equal(liu.address.detail, XIHU.address.detail);
      } finally {
        await opened.close();
      }
    });

    it('refuses a file that is not a backup, naming the field, and a restore without the escrow', () => {
      const bad = join(work, 'bad.json');
      writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(backupFile, 'utf8')), expiresAt: 'never' }));
      const refused = op.cli(['keys', 'restore', '--from', bad]);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /--from: .*bad\.json: expiresAt: must be a UTC time/);
      const unmounted = op.cli(['keys', 'restore', '--from', backupFile], { HEALTHCODE_KEY_ESCROW: join(work, 'not-mounted') });
      assert.equal(unmounted.status, 2);
      assert.match(unmounted.stderr, /HEALTHCODE_KEY_ESCROW: .*not-mounted is not a directory/);
    });
  });
}
