import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { FileRegionKeys, RegionKeyShreddedError, RegionKeys } from '../../src/privacy/region-keys.js';
import { openDatabase } from '../../src/store/database.js';
import { CLI, serve, serverEnv } from '../support/spawned-server.js';

/** `healthcode sunset` as two members of the health authority run it, on the demo's Yuhang district. */
describe('healthcode sunset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-sunset-'));
  const copyDir = mkdtempSync(join(tmpdir(), 'healthcode-sunset-copy-'));
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(copyDir, { recursive: true, force: true });
  });
  const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [...CLI, ...args], { env: serverEnv(dataDir, { HEALTHCODE_DEMO_DATA: 'on', ...env }), encoding: 'utf8' });

  it('needs two authorities, then destroys the region beyond what the master key and a copy taken before can read', { timeout: 180_000 }, async () => {
    // The demo's residents: six in Yuhang (330110), one in Xihu (330106).
    const server = await serve(dataDir, { HEALTHCODE_DEMO_DATA: 'on' });
    server.child.kill('SIGTERM');
    await server.exited;
    // The database's files, not the folder where serving processes note themselves.
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('healthcode.db') && statSync(join(dataDir, f)).isFile())) copyFileSync(join(dataDir, file), join(copyDir, file));
    const token = (name: string) => /hcs_[A-Za-z0-9_-]+/.exec(cli(['staff', 'add', '--name', name, '--role', 'authority']).stdout)![0];
    const [wang, li] = [token('余杭区卫健局 王局长'), token('余杭区疾控中心 李主任')];

    const asked = cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: wang });
    assert.equal(asked.status, 0, asked.stderr);
    assert.match(asked.stdout, /asked for by 余杭区卫健局 王局长; it runs when another member of the health authority runs this command/);
    const again = cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: wang });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /needs a second authority/);
    const withoutToken = cli(['sunset', '--region', '330110']);
    assert.equal(withoutToken.status, 2);
    assert.match(withoutToken.stderr, /HEALTHCODE_STAFF_TOKEN/);
    assert.ok(existsSync(join(dataDir, 'keys', 'regions', '330110.key')), 'nothing destroyed before the second authority');

    const done = cli(['sunset', '--region', '330110'], { HEALTHCODE_STAFF_TOKEN: li });
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /sunset of 浙江省 杭州市 余杭区 \(330110\) done: 6 residents' personal data destroyed, 1 district keys destroyed\nreport: \/api\/v1\/sunset-reports\/[0-9a-f-]+ on this operator's server \(set HEALTHCODE_PUBLIC_URL to print its full address\)/);
    assert.equal(existsSync(join(dataDir, 'keys', 'regions', '330110.key')), false);

    // The copy taken before, opened with the master key and the keys directory as it is now.
    const master = Buffer.from(readFileSync(join(dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
    const cipher = new FieldCipher(master, RegionKeys.underMasterKey(new FileRegionKeys(join(dataDir, 'keys', 'regions')), master));
    const store = await openDatabase({ kind: 'sqlite', path: join(copyDir, 'healthcode.db') });
    try {
      const rows = await store.db.selectFrom('residents').selectAll().execute();
      const yuhang = rows.filter((r) => r.address_region === '330110');
      assert.equal(yuhang.length, 6);
      for (const r of yuhang) {
        for (const [field, sealed] of [['name', r.name_enc], ['identity', r.identity_enc], ['phone', r.phone_enc]] as const) {
          if (sealed !== null) assert.throws(() => cipher.decrypt(sealed, `resident:${r.id}:${field}`), RegionKeyShreddedError);
        }
      }
      const xihu = rows.find((r) => r.address_region === '330106')!;
      assert.equal(cipher.decrypt(xihu.name_enc, `resident:${xihu.id}:name`), '王建国');
    } finally {
      await store.close();
    }
  });
});
