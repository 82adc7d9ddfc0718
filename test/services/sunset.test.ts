import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DOCUMENT_TYPES, verifyDocument } from '../../src/codes/signed-document.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { FieldCipher, deriveSubkey } from '../../src/privacy/field-cipher.js';
import { RegionKeyShreddedError, RegionKeys } from '../../src/privacy/region-keys.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

describeOnEachEngine("a region's sunset", (h) => {
  /** Zhang in Yuhang (330110), whose data the sunset destroys; Liu in Xihu (330106), whose stays. */
  async function twoDistricts(harness: Harness) {
    const zhang = await registerVerified(harness, ZHANG_WEI);
    const liu = await registerVerified(harness, LIU_FANG);
    for (const id of [zhang, liu]) await harness.services.declarations.declare(id, healthy);
    await harness.services.codes.issue(zhang);
    const authority = (name: string) => harness.services.staff.create(name, 'authority');
    return { zhang, liu, wang: await authority('余杭区卫健局 王局长'), li: await authority('余杭区疾控中心 李主任') };
  }

  async function sunsetOfYuhang(harness: Harness, asks: { id: string }, approves: { id: string }) {
    const asked = await harness.services.sunset.request(asks as never, '330110');
    await harness.services.sunset.approve(approves as never, asked.id);
    return harness.services.sunset.run(asked.id);
  }

  it('leaves no name, ID number or phone of the region readable, even with the master key and a copy of the database taken before', async () => {
    const { zhang, liu, wang, li } = await twoDistricts(h());
    // The copy an attacker, or a forgotten backup, kept.
    const copy = await h().opened.store.db.selectFrom('residents').selectAll().execute();
    await sunsetOfYuhang(h(), wang, li);

    // The master key, and the districts' keys as they are now kept: Yuhang's is gone.
    const { backend } = h().ctx.regionKeys;
    const cipher = new FieldCipher(h().dataKey, new RegionKeys(backend, deriveSubkey(h().dataKey, 'region key wrapping')));
    const open = (id: string, field: 'name_enc' | 'identity_enc' | 'phone_enc') => {
      const row = copy.find((r) => r.id === id)!;
      return cipher.decrypt(row[field]!, `resident:${id}:${field.replace('_enc', '')}`);
    };
    for (const field of ['name_enc', 'identity_enc', 'phone_enc'] as const) {
      assert.throws(() => open(zhang, field), RegionKeyShreddedError, `Yuhang's ${field} from the old copy`);
      assert.throws(() => h().ctx.cipher.decrypt(copy.find((r) => r.id === zhang)![field]!, `resident:${zhang}:${field.replace('_enc', '')}`), RegionKeyShreddedError, 'nor with the running service');
    }
    assert.equal(open(liu, 'name_enc'), LIU_FANG.name, 'Xihu, outside the region, is untouched');
    assert.equal(await h().services.residents.hasPhone(ZHANG_WEI.phone!), false, 'his phone no longer finds him');
  });

  it("deletes the region's scans, decisions and sessions, and keeps other districts'", async () => {
    const { zhang, liu, wang, li } = await twoDistricts(h());
    const db = h().opened.store.db;
    const count = async (table: 'decisions' | 'sessions' | 'resident_status', id: string) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('resident_id', '=', id).executeTakeFirstOrThrow()).n);
    const report = await sunsetOfYuhang(h(), wang, li);
    for (const table of ['decisions', 'sessions', 'resident_status'] as const) {
      assert.equal(await count(table, zhang), 0, `${table} of Yuhang`);
      assert.ok((await count(table, liu)) > 0, `${table} of Xihu`);
    }
    assert.equal(report.residents, 1);
    assert.ok(report.deleted.decisions! > 0 && report.deleted.sessions! > 0);
  });

  it('publishes a report signed with the operator key: counts, times and the ids of the keys destroyed', async () => {
    const { wang, li } = await twoDistricts(h());
    const report = await sunsetOfYuhang(h(), wang, li);
    assert.deepEqual(report.keysDestroyed.map((k) => k.region), ['330110']);
    const app = await h().app();
    const published = (await app.inject({ method: 'GET', url: `/api/v1/sunset-reports/${report.id}` })).json();
    assert.deepEqual(published.report, JSON.parse(JSON.stringify(report)));
    const operator = await h().services.keys.operatorKey();
    const { payload } = await verifyDocument(Buffer.from(published.signed, 'base64'), DOCUMENT_TYPES.sunsetReport, (kid) => (kid === operator.kid ? operator.publicKey : undefined), nodeVerify());
    assert.deepEqual(payload, published.report);
  });

  it('needs a second authority: who asked may not approve, and it runs once', async () => {
    const { wang, li } = await twoDistricts(h());
    const asked = await h().services.sunset.request(wang, '330110');
    await assert.rejects(h().services.sunset.approve(wang, asked.id), /needs a second authority/);
    await assert.rejects(h().services.sunset.run(asked.id), /runs once, after a second authority approved it/);
    await h().services.sunset.approve(li, asked.id);
    await h().services.sunset.run(asked.id);
    await assert.rejects(h().services.sunset.run(asked.id), /is done/);
  });

  it('refuses a second sunset over a region one is already waiting for', async () => {
    const { wang } = await twoDistricts(h());
    await h().services.sunset.request(wang, '330100');
    await assert.rejects(h().services.sunset.request(wang, '330110'), /a sunset of 330100 is already waiting/);
  });
});
