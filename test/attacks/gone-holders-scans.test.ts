import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { checkpointGate } from '../support/gates.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { newPhone } from '../support/phone-key.js';
import { registerVerified } from '../support/sign-in.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

/** A gate at Hangzhou East, in Shangcheng (330102): outside Yuhang. */
async function gate(h: Harness) {
  return (await checkpointGate(h)).device;
}

/** Zhang of Yuhang (330110), green, holding a five-minute code and an offline pass taken before he was gone. */
async function zhangsCodes(h: Harness) {
  const zhang = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(zhang, healthy);
  const phone = newPhone();
  const { pass } = await h.services.offlinePasses.issue(zhang, { publicKey: phone.publicKey });
  const { token } = await h.services.healthCodes.issue(zhang);
  return { zhang, code: token, presentation: (at: number) => phone.present(pass, at) };
}

const scansOf = async (h: Harness) => h.opened.store.db.selectFrom('scans').select(['scan_id', 'resident_id', 'colour', 'issuer', 'admitted']).orderBy('scan_id').execute();

/** A checkpoint uploading codes of people this operator no longer holds: a region ended, an account deleted. */
describeOnEachEngine('codes of residents no longer held, scanned at a checkpoint', (h) => {
  it("refuses, after Yuhang's sunset, its residents' codes and passes in an offline batch, and stores nothing tied to anyone", async () => {
    const device = await gate(h());
    const { zhang, code, presentation } = await zhangsCodes(h());
    const liu = await registerVerified(h(), LIU_FANG);
    await h().services.declarations.declare(liu, healthy);
    const liuCode = (await h().services.healthCodes.issue(liu)).token;
    const [wang, li] = [await h().services.staff.create('余杭区卫健局 王局长', 'authority'), await h().services.staff.create('余杭区疾控中心 李主任', 'authority')];
    const asked = await h().services.sunset.request(wang as never, '330110');
    await h().services.sunset.approve(li as never, asked.id);
    await h().services.sunset.run(asked.id);

    const now = h().clock.now();
    const at = now.toISOString();
    const outcomes = await h().services.scans.recordScans(device, [
      { scanId: 'east3-yuhang-code', token: code, scannedAt: at },
      { scanId: 'east3-yuhang-pass', token: presentation(now.getTime()), scannedAt: at },
      { scanId: 'east3-xihu-code', token: liuCode, scannedAt: at },
    ], 'offline');
    assert.deepEqual(outcomes.map((o) => [o.scanId, o.admitted, o.reason, o.colour, o.maskedName]), [
      ['east3-yuhang-code', false, 'holder-gone', null, null],
      ['east3-yuhang-pass', false, 'holder-gone', null, null],
      ['east3-xihu-code', true, 'allowed', 'green', outcomes[2]!.maskedName],
    ]);
    const stored = await scansOf(h());
    assert.equal(stored.filter((r) => r.resident_id === zhang).length, 0, "no row names Yuhang's resident");
    for (const row of stored.filter((r) => r.scan_id.startsWith('east3-yuhang'))) assert.deepEqual([row.resident_id, row.colour, row.issuer, row.admitted], [null, null, null, 0], row.scan_id);
  });

  it("refuses an ordinary code of a resident who deleted the account since it was shown, online and uploaded, tying it to nobody", async () => {
    const device = await gate(h());
    const { zhang, code } = await zhangsCodes(h());
    await h().services.residents.deleteAccount(zhang);
    const online = await h().services.scans.verifyOnline(device, { scanId: 'east3-deleted-online', token: code });
    const [uploaded] = await h().services.scans.recordScans(device, [{ scanId: 'east3-deleted-offline', token: code, scannedAt: h().clock.now().toISOString() }], 'offline');
    assert.deepEqual([online.admitted, online.reason, online.colour, online.maskedName], [false, 'holder-gone', null, null]);
    assert.deepEqual([uploaded?.admitted, uploaded?.reason, uploaded?.colour, uploaded?.maskedName], [false, 'holder-gone', null, null]);
    assert.deepEqual((await scansOf(h())).map((r) => r.resident_id), [null, null]);
  });
});
