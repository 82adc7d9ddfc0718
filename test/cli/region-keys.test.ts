import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { checkRegistration } from '../../src/domain/resident.js';
import { createLogger } from '../../src/logging.js';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { openStore } from '../../src/store/database.js';
import { ResidentsStore } from '../../src/store/residents-store.js';
import { ZHANG_WEI } from '../support/people.js';

/** Districts' data keys at start-up: data from before them is sealed under them, and a missing one stops the start. */
describe("districts' data keys at start-up", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-region-keys-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = () => loadConfig({ HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DEMO_DATA: 'off' });
  const open = () => openServices(config(), createLogger('silent'));

  it('seals under its district key what was sealed under the master key, and still reads it', async () => {
    await (await open()).close();
    // A resident as stored before districts had keys.
    const master = Buffer.from(readFileSync(join(dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
    const store = await openStore(config().database);
    await new ResidentsStore(store.db, new FieldCipher(master)).insert('0b7e7a52-7a2f-4c1e-9d1e-1a2b3c4d5e6f', checkRegistration(ZHANG_WEI, new Date(), true), Date.now());
    const before = await store.db.selectFrom('residents').select('name_enc').executeTakeFirstOrThrow();
    assert.match(before.name_enc, /^v1\./);
    await store.close();

    const opened = await open();
    try {
      const row = await opened.store.db.selectFrom('residents').select('name_enc').executeTakeFirstOrThrow();
      assert.match(row.name_enc, /^v2\.330110\./);
      assert.equal((await opened.services.residents.get('0b7e7a52-7a2f-4c1e-9d1e-1a2b3c4d5e6f')).name, ZHANG_WEI.name);
    } finally {
      await opened.close();
    }
  });

  it('refuses to start when a district with sealed data has no key, saying which and where', async () => {
    rmSync(join(dataDir, 'keys', 'regions'), { recursive: true, force: true });
    await assert.rejects(open(), /the data keys of 1 districts \(330110\) are missing from .*keys\/regions: restore that directory with the database it belongs to/);
  });
});
