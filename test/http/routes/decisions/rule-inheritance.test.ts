import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_RULES } from '../../../../src/domain/rules/default-rule-set.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../../support/people.js';
import { cityLowFeverRule, withQuarantine } from '../../../support/rules.js';
import { signedUpThroughApi } from '../../../support/sign-in.js';

async function authority(h: Harness) {
  return { authorization: `Bearer ${(await h.services.staff.create('杭州市疾控中心', 'authority')).token}` };
}

const closeContact = DEFAULT_RULES.find((r) => r.id === 'red-close-contact')!;
const reason = { 'zh-CN': '杭州市密接隔离 10 天（市防控指挥部 2026 年第 12 号通告）。', en: 'Hangzhou quarantines close contacts for 10 days (notice 12 of 2026).' };
const feverish = { stays: [], contacts: [], symptoms: [], temperature: 37.1 };

describeOnEachEngine('a region’s rules extend the rules above it', (h) => {
  async function publish(payload: object) {
    return (await h().app()).inject({ method: 'POST', url: '/api/v1/rules', headers: await authority(h()), payload });
  }

  async function codeOf(person: typeof ZHANG_WEI, declaration = feverish) {
    const app = await h().app();
    const resident = await signedUpThroughApi(h(), person);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${resident.id}/declarations`, headers: resident.auth, payload: declaration });
    return { ...resident, code: async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${resident.id}/code`, headers: resident.auth })).json() };
  }

  it('keeps every national rule under a one-rule district set: a confirmed case there is still red', async () => {
    assert.equal((await publish({ region: '330110', rules: [cityLowFeverRule('330110')] })).statusCode, 201);
    const zhang = await codeOf(ZHANG_WEI);
    assert.equal((await zhang.code()).colour, 'yellow', 'the district rule applies');
    await h().services.authority.import('cases', (async function* () {
      yield { line: 1, record: { phone: ZHANG_WEI.phone, status: 'confirmed', date: '2026-11-20T08:00:00+08:00' } };
    })());
    const code = await zhang.code();
    assert.equal(code.colour, 'red');
    assert.deepEqual(code.rules.map((r: { id: string }) => r.id), ['red-case', 'yellow-low-fever']);
    assert.deepEqual(code.ruleSet, { region: '330110', version: 1, inherits: [{ region: 'CN', version: 1 }] });
  });

  it('refuses a set that replaces an inherited rule without naming it in overrides', async () => {
    const response = await publish({ region: '330100', rules: [{ ...withQuarantine(closeContact, 10), region: '330100' }] });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().errors, [{ field: 'rules[0].id', message: 'rule red-close-contact: replaces the rule red-close-contact inherited from CN; name it in overrides, with the reason, to replace it' }]);
  });

  it('replaces an inherited rule named in overrides, and shows the replacement and its reason in public', async () => {
    const published = await publish({ region: '330100', rules: [{ ...withQuarantine(closeContact, 10), region: '330100' }], overrides: [{ id: 'red-close-contact', reason }] });
    assert.equal(published.statusCode, 201, published.body);
    const response = await (await h().app()).inject({ method: 'GET', url: '/api/v1/rules/effective?region=330110' });
    assert.equal(response.statusCode, 200);
    const effective = response.json();
    assert.deepEqual([effective.region, effective.inherits], ['330100', [{ region: 'CN', version: 1 }]]);
    const contact = effective.rules.find((r: { id: string }) => r.id === 'red-close-contact');
    assert.deepEqual([contact.region, contact.outcome.quarantineDays], ['330100', 10]);
    assert.equal(effective.rules.filter((r: { region: string }) => r.region === 'CN').length, DEFAULT_RULES.length - 1, 'every other national rule still applies');
    assert.deepEqual(
      effective.overridden.map((o: { id: string; by: string; reason: unknown; replaced: { region: string } }) => [o.id, o.by, o.reason, o.replaced.region]),
      // In public as published, with the Traditional Chinese every answer adds beside the Simplified.
      [['red-close-contact', '330100', { ...reason, 'zh-Hant': '杭州市密接隔離 10 天（市防控指揮部 2026 年第 12 號通告）。' }, 'CN']],
    );
  });

  it('refuses an override of a rule that is not inherited, naming the inherited ones', async () => {
    const response = await publish({ region: '330110', rules: [cityLowFeverRule('330110')], overrides: [{ id: 'red-curfew', reason }] });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().errors[0].field, 'overrides[0].id');
    assert.match(response.json().errors[0].message, /no inherited rule is called red-curfew; the inherited rules are red-case, red-positive-test/);
  });

  it('refuses a national rule with the id a district already uses for a rule of its own', async () => {
    await publish({ region: '330110', rules: [cityLowFeverRule('330110')] });
    const response = await publish({ region: 'CN', rules: [...DEFAULT_RULES, cityLowFeverRule('CN')] });
    assert.equal(response.statusCode, 422);
    assert.match(response.json().errors[0].message, /330110 already has a rule called yellow-low-fever of its own/);
  });

  it('decides the district under a national version published after its own set', async () => {
    await publish({ region: '330110', rules: [{ ...cityLowFeverRule('330110'), id: 'yellow-district-note', condition: { var: 'vaccination.fullCourse' } , outcome: { colour: 'yellow', quarantineDays: 0, checkIns: null } }] });
    const zhang = await codeOf(ZHANG_WEI);
    assert.equal((await zhang.code()).colour, 'green');
    assert.equal((await publish({ region: 'CN', rules: [...DEFAULT_RULES, { ...cityLowFeverRule('CN'), id: 'yellow-national-low-fever' }] })).statusCode, 201);
    const code = await zhang.code();
    assert.equal(code.colour, 'yellow', 'the stored decision was made under the old national version');
    assert.deepEqual(code.ruleSet.inherits, [{ region: 'CN', version: 2 }]);
  });

  it('previews a district set over the district’s residents only, with the rules it inherits', async () => {
    await codeOf(ZHANG_WEI);
    await codeOf(LIU_FANG);
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/rules/preview', headers: await authority(h()), payload: { region: '330110', rules: [cityLowFeverRule('330110')] } });
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    assert.equal(preview.counted, '330110');
    // The answer shows one resident as a range: the exact counts behind it, per district, are Zhang's alone.
    const counted = await h().services.decisions.preview(await h().services.rules.candidate({ region: '330110', rules: [cityLowFeverRule('330110')] }), () => true);
    assert.deepEqual(counted.districts, [{ residents: 1, kept: [], transitions: [{ from: 'green', to: 'yellow', residents: 1 }] }], 'Zhang in Yuhang; not Liu in Xihu');
    assert.deepEqual(preview.effective.rules.map((r: { id: string; region: string }) => `${r.region}:${r.id}`), [...DEFAULT_RULES.map((r) => `CN:${r.id}`), '330110:yellow-low-fever']);
  });
});
