import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeclarationInput } from '../../../src/domain/declaration.js';
import type { RegistrationInput } from '../../../src/domain/resident.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { LIU_FANG, withCheck, ZHANG_WEI } from '../../support/people.js';
import { cityLowFeverRule } from '../../support/rules.js';

const wuchang: DeclarationInput = { stays: [{ region: '420106', arrival: '2026-11-08T09:00:00+08:00', departure: '2026-11-13T18:00:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 };
const GIVEN = ['王', '李', '陈', '杨', '黄', '周'];
const neighbour = (n: number): RegistrationInput => ({
  name: `${GIVEN[n % GIVEN.length]}建华`,
  idType: 'resident_id',
  idNumber: withCheck(`330110199002${10 + n}101`),
  phone: `1390571${String(n).padStart(4, '0')}`,
  address: { region: '330110', detail: `五常大道 ${10 + n} 号` },
});

async function resident(h: Harness, person: RegistrationInput, declaration: DeclarationInput): Promise<string> {
  const { id } = await h.services.residents.register(person, { phoneVerifiedAt: h.clock.now().getTime() });
  await h.services.declarations.declare(id, declaration);
  return id;
}
const wuchangListed = { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' };

describeOnEachEngine('previews of what a listing or a rule set would do', (h) => {
  it("shows a district's six residents turning red exactly, and names the region counted", async () => {
    for (let n = 0; n < 6; n++) await resident(h(), neighbour(n), wuchang);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const preview = await h().services.previews.riskArea(yuhang, wuchangListed);
    assert.deepEqual(preview, { counted: '330110', countedName: '浙江省杭州市余杭区', smallCount: 5, complete: true, residents: 6, wouldChange: 6, transitions: [{ from: 'green', to: 'red', residents: 6 }], undivided: 0 });
  });

  it('counts every region for an officer who answers for every region', async () => {
    await resident(h(), LIU_FANG, wuchang);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour(n), wuchang);
    const national = await h().services.staff.create('国家卫健委 陈处长', 'authority');
    const preview = await h().services.previews.riskArea(national, wuchangListed);
    // Yuhang's five exactly, Xihu's one as a range.
    assert.deepEqual([preview.counted, preview.countedName, preview.residents], ['CN', null, { atLeast: 6, atMost: 9 }]);
  });

  it('writes a rules preview to the audit log with the rules asked and the counts shown', async () => {
    await resident(h(), ZHANG_WEI, { ...wuchang, stays: [], temperature: 37.2 });
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const candidate = await h().services.rules.candidate({ region: '330110', rules: [cityLowFeverRule('330110')] });
    const preview = await h().services.previews.rules(yuhang, candidate);
    const [entry] = (await h().services.audit.entries({ limit: 10 })).filter((e) => e.action === 'preview-rules');
    assert.equal(entry!.detail.rulesRegion, '330110');
    assert.deepEqual((entry!.detail.rules as { id: string }[]).map((r) => r.id), ['yellow-low-fever']);
    assert.deepEqual([entry!.detail.wouldChange, entry!.detail.actorRegion], [preview.wouldChange, '330110']);
  });

  it("refuses a rules preview of a region the officer does not answer for, even when the route's check is passed by", async () => {
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const candidate = await h().services.rules.candidate({ region: '330106', rules: [cityLowFeverRule('330106')] });
    await assert.rejects(h().services.previews.rules(yuhang, candidate), /answers for/);
  });
});
