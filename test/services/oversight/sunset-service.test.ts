import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { sql } from 'kysely';
import { regionPrefix } from '../../../src/domain/regions.js';
import { SUNSET_PREFIX } from '../../../src/store/oversight/sunset-store.js';
import { DOCUMENT_TYPES, verifyDocument } from '../../../src/codes/signed-document.js';
import { nodeVerify } from '../../../src/codes/token-signer.js';
import { FieldCipher } from '../../../src/privacy/field-cipher.js';
import { FileRegionKeys, RegionKeyShreddedError, RegionKeys } from '../../../src/privacy/region-keys.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { cityLowFeverRule } from '../../support/rules.js';
import { GRANDMA_ZHANG, LIU_FANG, OLIVER_BROWN, withCheck, ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo, registerThroughApi, registerVerified, signedUpThroughApi } from '../../support/sign-in.js';
import { auditedCounts } from '../../support/sunset-audit.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
/** A neighbour of Zhang's in Yuhang, and Liu's husband in Xihu. */
const WANG_FANG = { ...ZHANG_WEI, name: '王芳', idNumber: withCheck('33011019920505006'), phone: '13800001111' };
const LIU_YANG = { ...LIU_FANG, name: '刘洋', idNumber: withCheck('33010619900101005'), phone: '13800002222' };

describeOnEachEngine("a region's sunset", (h) => {
  /** Zhang in Yuhang (330110), whose data the sunset destroys; Liu in Xihu (330106), whose stays. */
  async function twoDistricts(harness: Harness) {
    const zhang = await registerVerified(harness, ZHANG_WEI);
    const liu = await registerVerified(harness, LIU_FANG);
    for (const id of [zhang, liu]) await harness.services.declarations.declare(id, healthy);
    await harness.services.healthCodes.issue(zhang);
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
    const cipher = new FieldCipher(h().dataKey, RegionKeys.underMasterKey(backend, h().dataKey));
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
    // A decision keeps the masked name its code shows, in clear: it must go with the name it masks.
    const maskedName = async (id: string) => (await db.selectFrom('resident_status').select('masked_name').where('resident_id', '=', id).executeTakeFirst())?.masked_name;
    assert.equal(await maskedName(zhang), '张*', 'kept with his decision once his code was shown');
    const report = await sunsetOfYuhang(h(), wang, li);
    for (const table of ['decisions', 'sessions', 'resident_status'] as const) {
      assert.equal(await count(table, zhang), 0, `${table} of Yuhang`);
      assert.ok((await count(table, liu)) > 0, `${table} of Xihu`);
    }
    assert.equal(await maskedName(zhang), undefined, "no masked name of Yuhang's is left");
    const audited = await auditedCounts(h().services, report.id);
    assert.equal(audited.residents, 1);
    assert.ok(audited.deleted.decisions! > 0 && audited.deleted.sessions! > 0);
  });

  it('counts the destroyed residents nowhere: not on the dashboard, in its history, or in a rules preview', async () => {
    const { wang, li } = await twoDistricts(h());
    // Seven more of Yuhang: six declared, one registered who never declared.
    for (let n = 0; n < 7; n++) {
      const person = { ...ZHANG_WEI, name: `${['王', '李', '陈', '杨', '黄', '周', '吴'][n]}秀英`, idNumber: withCheck(`3301101990011${n}006`), phone: `1380000330${n}` };
      const { id } = await h().services.residents.register(person, { phoneVerifiedAt: h().clock.now().getTime() });
      if (n < 6) await h().services.declarations.declare(id, healthy);
    }
    await sunsetOfYuhang(h(), wang, li);
    const dashboard = await h().services.stats.dashboard(wang);
    assert.deepEqual(dashboard.coloursByRegion.map((r) => r.region), ['330106'], 'no row for Yuhang: nobody is left there');
    const today = dashboard.colourHistory.at(-1)!;
    // Liu Fang of Xihu alone: one group of one, every part a range; eight destroyed undecided would be an exact 8.
    assert.deepEqual([today.undecided, today.counts.green], [{ atLeast: 0, atMost: 4 }, { atLeast: 0, atMost: 4 }], "today's history counts only Liu Fang");
    const preview = await h().services.previews.rules(wang, await h().services.rules.candidate({ region: '330110', rules: [cityLowFeverRule('330110')] }));
    assert.deepEqual([preview.evaluated, preview.transitions], [0, []], 'a rules preview decides none of them');
  });

  it('publishes a report signed with the operator key: counts, times and the ids of the keys destroyed', async () => {
    const { wang, li } = await twoDistricts(h());
    const report = await sunsetOfYuhang(h(), wang, li);
    assert.deepEqual(report.keysDestroyed.map((k) => k.region), ['330110']);
    // No key escrow here: the report says a copy of the keys made otherwise is beyond its reach, and until when copies are kept.
    assert.match(report.backups.keyBackups, /^No key escrow is configured/);
    assert.equal(report.backups.until, new Date(Date.parse(report.finishedAt) + 30 * 86_400_000).toISOString());
    const app = await h().app();
    const published = (await app.inject({ method: 'GET', url: `/api/v1/sunset-reports/${report.id}` })).json();
    assert.deepEqual(published.report, JSON.parse(JSON.stringify(report)));
    const operator = await h().services.keys.operatorKey();
    const { payload } = await verifyDocument(Buffer.from(published.signed, 'base64'), DOCUMENT_TYPES.sunsetReport, (kid) => (kid === operator.kid ? operator.publicKey : undefined), nodeVerify());
    assert.deepEqual(payload, published.report);
  });

  it('serves a report published before counts were shown as ranges as it was signed, its exact counts kept', async () => {
    const { wang, li } = await twoDistricts(h());
    const report = await sunsetOfYuhang(h(), wang, li);
    // As a run before this release published it: exact integers, no smallCount.
    const { smallCount: _, ...rest } = report;
    const old = { ...rest, residents: 1, deleted: { ...report.deleted, decisions: 2, identity_reclaims: 0 } };
    await h().opened.store.db.updateTable('sunsets').set({ report: JSON.stringify(old) }).where('id', '=', report.id).execute();
    const published = await (await h().app()).inject({ method: 'GET', url: `/api/v1/sunset-reports/${report.id}` });
    assert.equal(published.statusCode, 200, published.body);
    assert.deepEqual(published.json().report, JSON.parse(JSON.stringify(old)));
  });

  it('destroys no key while the key escrow cannot be reached, and finishes the run once it can', async () => {
    const { zhang, wang, li } = await twoDistricts(h());
    const escrowDir = join(mkdtempSync(join(tmpdir(), 'healthcode-escrow-')), 'unmounted');
    try {
      // The escrow's share is not mounted when the sunset runs.
      h().ctx.keyEscrow = new FileRegionKeys(escrowDir, false);
      const asked = await h().services.sunset.request(wang, '330110');
      await h().services.sunset.approve(li, asked.id);
      await assert.rejects(h().services.sunset.run(asked.id), /the key escrow \(HEALTHCODE_KEY_ESCROW\) cannot be read: .*mount it and run `healthcode sunset --region 330110` again/);
      assert.equal((await h().services.sunset.unfinished())[0]?.status, 'erased', 'the erasure stands');
      assert.equal(await h().services.residents.hasPhone(ZHANG_WEI.phone!), false);
      const kid = h().ctx.regionKeys.list('330110')[0]?.kid;
      assert.ok(kid, 'the key is kept until its escrow entry can go with it');
      mkdirSync(escrowDir);
      const report = await h().services.sunset.run(asked.id);
      assert.deepEqual(report.keysDestroyed, [{ region: '330110', kid }]);
      assert.equal((await auditedCounts(h().services, report.id)).residents, 1);
      assert.equal(h().ctx.regionKeys.existing('330110'), undefined);
      await assert.rejects(h().services.residents.get(zhang));
    } finally {
      h().ctx.keyEscrow = undefined;
      rmSync(join(escrowDir, '..'), { recursive: true, force: true });
    }
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

  it('records who asked and who approved in the audit log, each by name, with the chain intact after the run', async () => {
    const { wang, li } = await twoDistricts(h());
    const asked = await h().services.sunset.request(wang, '330110');
    await h().services.sunset.approve(li, asked.id);
    await h().services.sunset.run(asked.id);
    const entries = (await h().services.audit.entries({ limit: 100 })).filter((e) => e.detail.sunsetId === asked.id);
    const byAction = new Map(entries.map((e) => [e.action, e]));
    assert.ok(byAction.get('request-sunset'), 'the request is in the log');
    assert.ok(byAction.get('approve-sunset'), 'the approval is in the log');
    assert.equal(byAction.get('request-sunset')!.actor, '余杭区卫健局 王局长 (authority)');
    assert.equal(byAction.get('approve-sunset')!.actor, '余杭区疾控中心 李主任 (authority)');
    assert.deepEqual(byAction.get('approve-sunset')!.detail, { sunsetId: asked.id, region: '330110', requestedBy: wang.id });
    assert.deepEqual(await h().services.audit.verify().then((v) => v.firstBroken), null);
  });

  it('takes no step that its audit entry is not written with: a request or an approval whose entry fails is not taken', async () => {
    const { wang, li } = await twoDistricts(h());
    const audit = h().ctx.stores.audit;
    const append = audit.append.bind(audit);
    // The database refuses the entry (busy, say) after the step was written.
    audit.append = async () => {
      throw new Error('database is locked');
    };
    await assert.rejects(h().services.sunset.request(wang, '330110'), /database is locked/);
    audit.append = append;
    assert.deepEqual(await h().ctx.stores.sunsets.open(), [], 'no request taken without its entry');
    const asked = await h().services.sunset.request(wang, '330110');
    audit.append = async () => {
      throw new Error('database is locked');
    };
    await assert.rejects(h().services.sunset.approve(li, asked.id), /database is locked/);
    audit.append = append;
    assert.equal((await h().ctx.stores.sunsets.findById(asked.id))?.status, 'requested', 'no approval taken without its entry');
    await h().services.sunset.approve(li, asked.id);
    const actions = (await h().services.audit.entries({ limit: 100 })).filter((e) => e.detail.sunsetId === asked.id).map((e) => e.action);
    assert.deepEqual(actions.sort(), ['approve-sunset', 'request-sunset']);
  });

  it('refuses a second sunset over a region one is already waiting for', async () => {
    const { wang } = await twoDistricts(h());
    await h().services.sunset.request(wang, '330100');
    await assert.rejects(h().services.sunset.request(wang, '330110'), /a sunset of 330100 is already waiting/);
  });

  it('refuses a registration in the region after its sunset, naming the field, without using up the code', async () => {
    const { wang, li } = await twoDistricts(h());
    const report = await sunsetOfYuhang(h(), wang, li);
    const refused = await registerThroughApi(h(), OLIVER_BROWN);
    assert.equal(refused.statusCode, 422, refused.body);
    const [error] = refused.json().errors;
    assert.equal(error.field, 'address.region');
    assert.equal(error.message, 'the health code in 浙江省 杭州市 余杭区 has ended (its sunset was approved): nothing is collected there any more');
    assert.ok(report.id);
    assert.equal(await h().services.residents.hasPhone(OLIVER_BROWN.phone!), false);
    // The code he was sent still works, for an address outside the region.
    const code = await lastCodeSentTo(h(), '+447911123456');
    const elsewhere = await (await h().app()).inject({ method: 'POST', url: '/api/v1/residents', payload: { ...OLIVER_BROWN, address: LIU_FANG.address, code } });
    assert.equal(elsewhere.statusCode, 201, elsewhere.body);
  });

  it('refuses a registration in the region once the sunset is approved, before it has run', async () => {
    const { wang, li } = await twoDistricts(h());
    const asked = await h().services.sunset.request(wang, '330110');
    assert.equal((await registerThroughApi(h(), WANG_FANG)).statusCode, 201, 'asked for, not yet approved: still open');
    await h().services.sunset.approve(li, asked.id);
    const refused = await registerThroughApi(h(), OLIVER_BROWN);
    assert.equal(refused.statusCode, 422);
    assert.match(refused.json().errors[0].message, /余杭区 has ended/);
  });

  it('refuses a household member in the region after its sunset, for a guardian elsewhere', async () => {
    const { wang, li } = await twoDistricts(h());
    const liu = await signedUpThroughApi(h(), LIU_YANG);
    await sunsetOfYuhang(h(), wang, li);
    const { relationship, ...person } = GRANDMA_ZHANG;
    const app = await h().app();
    const refused = await app.inject({ method: 'POST', url: `/api/v1/residents/${liu.id}/dependents`, headers: liu.auth, payload: { ...person, relationship } });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().errors[0].field, 'address.region');
    const moved = await app.inject({ method: 'POST', url: `/api/v1/residents/${liu.id}/dependents`, headers: liu.auth, payload: { ...person, relationship, address: LIU_FANG.address } });
    assert.equal(moved.statusCode, 201, moved.body);
  });

  it('deletes identity claims that made no account but gave an address in the region, even those sealed before district keys', async () => {
    const { wang, li } = await twoDistricts(h());
    // Someone holding Zhang's document claims it with an address in Yuhang; someone else claims Liu's with one in Xihu.
    assert.equal((await registerThroughApi(h(), { ...ZHANG_WEI, phone: '13800003333' })).statusCode, 409);
    assert.equal((await registerThroughApi(h(), { ...LIU_FANG, phone: '13800004444' })).statusCode, 409);
    const db = h().opened.store.db;
    const claims = await db.selectFrom('identity_reclaims').select(['id', 'claim_enc']).orderBy('created_at').execute();
    assert.equal(claims.length, 2);
    const [yuhang, xihu] = claims as [(typeof claims)[0], (typeof claims)[0]];
    assert.ok(yuhang.claim_enc.startsWith('v2.330110.'), 'a new claim is sealed under its district key');
    // One Yuhang claim as it was stored before district keys: under the master key.
    const old = (await h().ctx.stores.reclaims.findById(yuhang.id))!;
    await db.updateTable('identity_reclaims').set({ claim_enc: h().ctx.cipher.encrypt(JSON.stringify({ registration: old.registration, phoneProvenAt: old.phoneProvenAt }), `identity-reclaim:${yuhang.id}:claim`) }).where('id', '=', yuhang.id).execute();

    const report = await sunsetOfYuhang(h(), wang, li);
    const left = await db.selectFrom('identity_reclaims').select('id').execute();
    assert.deepEqual(left.map((r) => r.id), [xihu.id], "Xihu's claim stays");
    assert.equal((await auditedCounts(h().services, report.id)).deleted.identity_reclaims, 1);
    assert.equal((await h().ctx.stores.reclaims.findById(xihu.id))!.registration.name, LIU_FANG.name);
  });

  it("refuses to give a claimant an account in the region once its sunset is approved", async () => {
    const { wang, li } = await twoDistricts(h());
    assert.equal((await registerThroughApi(h(), { ...ZHANG_WEI, phone: '13800003333' })).statusCode, 409);
    const [claim] = await h().services.reclaims.pending();
    const asked = await h().services.sunset.request(wang, '330110');
    await h().services.sunset.approve(li, asked.id);
    const evidence = { method: 'in-person', document: '居民身份证', reference: '五常街道办 2 号窗口' };
    await h().services.reclaims.propose(li, claim!.id, { evidence, note: '持身份证原件到五常街道办核验' });
    await assert.rejects(h().services.reclaims.approve(wang, claim!.id, { evidence, note: '持身份证原件到五常街道办核验' }), /the claimant's address: the health code in .*余杭区 has ended/);
    assert.equal((await h().services.reclaims.pending()).length, 1, 'the claim is left for the sunset to delete');
  });

  it('refuses the insert itself when this process has not yet seen the approval another made', async () => {
    const { wang, li } = await twoDistricts(h());
    const asked = await h().services.sunset.request(wang, '330110');
    // This process looked a moment ago: the region was open.
    await h().ctx.endedRegions.refuse('330110');
    // Another process approves: this one's view is now stale.
    assert.ok(await h().ctx.stores.sunsets.approve(asked.id, li.id, Date.now()));
    const refused = await registerThroughApi(h(), WANG_FANG);
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().errors[0].field, 'address.region');
    assert.equal(await h().services.residents.hasPhone(WANG_FANG.phone), false, 'nothing was written');
  });

  it('covers in SQL exactly the codes the domain says a sunset covers', async () => {
    const db = h().opened.store.db;
    const codes = ['330000', '330100', '330110', '330106', '331000', '420802', '110000', '110101', '330101'];
    for (const sunset of ['330000', '330100', '330110', '110000']) {
      await db.insertInto('sunsets').values({ id: `s-${sunset}`, region: sunset, status: 'requested', requested_by: 'x', requested_at: 0, approved_by: null, approved_at: null, done_at: null, report: null, signed_report: null }).execute();
      for (const code of codes) {
        const covered = await sql<{ n: number }>`select count(*) as n from sunsets where id = ${`s-${sunset}`} and ${code} like ${SUNSET_PREFIX} || '%'`.execute(db);
        assert.equal(Number(covered.rows[0]!.n) === 1, code.startsWith(regionPrefix(sunset)), `${sunset} covers ${code}`);
      }
    }
  });
});
