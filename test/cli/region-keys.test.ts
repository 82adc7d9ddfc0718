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
import { FileRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';
import { openDatabase } from '../../src/store/database.js';
import { INDEX_ID, INDEX_PHONE } from '../../src/store/residents/resident-lookups-store.js';
import { ResidentResealingStore } from '../../src/store/residents/resident-resealing-store.js';
import { ResidentsStore } from '../../src/store/residents/residents-store.js';
import { CHEN_JING, LIU_FANG, ZHANG_WEI } from '../support/people.js';

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
    const store = await openDatabase(config().database);
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

/** Blind indexes from before districts had index keys: moved at start, so a sunset leaves none under the master key. */
describe('blind indexes at start-up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-blind-indexes-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = () => loadConfig({ HEALTHCODE_DATA_DIR: dataDir, HEALTHCODE_DEMO_DATA: 'off' });
  const open = () => openServices(config(), createLogger('silent'));

  it("moves blind indexes from under the master key to their district's key at start, finishing a move a crash cut short", async () => {
    await (await open()).close();
    const master = Buffer.from(readFileSync(join(dataDir, 'keys', 'data.key'), 'utf8').trim(), 'base64');
    const store = await openDatabase(config().database);
    // Two residents, a message and a code as stored before districts had index keys.
    const before = new FieldCipher(master);
    const legacy = new ResidentsStore(store.db, before);
    await legacy.insert('5d1c3a8e-2b4f-4c6d-8e9f-0a1b2c3d4e5f', checkRegistration(LIU_FANG, new Date(), true), Date.now());
    await legacy.insert('7f3e5c0a-4d6b-4e8f-a0b1-2c3d4e5f6a7b', checkRegistration(CHEN_JING, new Date(), true), Date.now());
    const liuPhone = `+86${LIU_FANG.phone}`;
    const oldPhoneIndex = before.blindIndex(INDEX_PHONE, liuPhone);
    await store.db.insertInto('outbox').values({ id: 'm1', channel: 'sms', recipient_index: before.blindIndex('outbox.recipient', liuPhone), recipient_enc: before.encrypt(liuPhone, 'outbox:m1:recipient'), body_enc: before.encrypt('【健康码】登录验证码 123456', 'outbox:m1:body'), created_at: Date.now() }).execute();
    await store.db.insertInto('sign_in_codes').values({ id: 'c1', phone_index: oldPhoneIndex, code_digest: 'x', created_at: Date.now(), expires_at: Date.now() + 300_000, attempts: 0, consumed_at: null }).execute();
    // A start that moved one resident and crashed.
    const withKeys = new FieldCipher(master, RegionKeys.underMasterKey(new FileRegionKeys(join(dataDir, 'keys', 'regions')), master));
    assert.equal(await new ResidentResealingStore(store.db, withKeys).indexUnderRegionKeys(1), 1);
    await store.close();

    const opened = await open();
    try {
      const db = opened.store.db;
      const residents = await db.selectFrom('residents').select(['id_index', 'phone_index']).execute();
      assert.equal(residents.length, 2);
      for (const r of residents) assert.ok(r.id_index.startsWith('i2.') && r.phone_index!.startsWith('i2.'), JSON.stringify(r));
      const [message] = await db.selectFrom('outbox').selectAll().execute();
      assert.ok(message!.recipient_index.startsWith('i2.') && message!.recipient_enc.startsWith('v2.330106.'), 'the message went under Xihu');
      assert.deepEqual(await db.selectFrom('sign_in_codes').selectAll().execute(), [], 'a code indexed the old way is gone (it lives minutes)');
      const dump = JSON.stringify([residents, message]);
      assert.ok(!dump.includes(oldPhoneIndex) && !dump.includes(before.blindIndex(INDEX_ID, `resident_id:${LIU_FANG.idNumber}`)), 'no index under the master key is left');
      assert.equal(await opened.services.residents.hasPhone(LIU_FANG.phone!), true);
      assert.equal(await opened.services.residents.hasPhone(CHEN_JING.phone!), true);
      assert.equal(await opened.services.signIn.lastMessageTo(LIU_FANG.phone!), '【健康码】登录验证码 123456');
    } finally {
      await opened.close();
    }
  });
});
