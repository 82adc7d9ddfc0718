import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeclarationInput } from '../../src/domain/declaration.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import type { Rule } from '../../src/domain/rules/rule-set.js';
import { neighbour, resident } from '../support/district-residents.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const healthy: DeclarationInput = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
/** Five days in Reykjavík: a trip few make, so a count of who made it names them. */
const iceland: DeclarationInput = { stays: [{ country: 'IS', arrival: '2026-11-08T09:00:00+08:00', departure: '2026-11-13T18:00:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 };
const wuchang: DeclarationInput = { stays: [{ region: '420106', arrival: '2026-11-08T09:00:00+08:00', departure: '2026-11-13T18:00:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 };


/** Every count in an answer, wherever it sits: a number, or a range. */
function counts(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => counts(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([key, v]) => (['residents', 'wouldChange', 'evaluated', 'undivided', 'redecided', 'colourChanges', 'notified'].includes(key) ? [[`${path}.${key}`, v] as [string, unknown]] : counts(v, `${path}.${key}`)));
}
const exactSmall = (answer: unknown, k = 5) => counts(answer).filter(([, c]) => typeof c === 'number' && c > 0 && c < k);

describeOnEachEngine("a district officer counting another district's residents with a risk-area preview", (h) => {
  it("counts none of Xihu's residents for Yuhang's officer, and names Yuhang as the region counted", async () => {
    // Liu Fang of Xihu was in Wuchang; Yuhang's officer lists Wuchang over her dates.
    await resident(h(), LIU_FANG, wuchang);
    await resident(h(), ZHANG_WEI, healthy);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas/preview', headers: bearer(yuhang.token), payload: { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    assert.deepEqual([preview.counted, preview.residents, preview.wouldChange, preview.transitions], ['330110', 0, 0, []], 'Liu Fang is in no count');
  });

  it("counts Xihu's for Xihu's officer, her one resident there as a range", async () => {
    await resident(h(), LIU_FANG, wuchang);
    const xihu = await h().services.staff.create('西湖区疾控中心 赵主任', 'authority', '330106');
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas/preview', headers: bearer(xihu.token), payload: { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    const preview = response.json();
    assert.equal(preview.counted, '330106');
    assert.deepEqual(preview.residents, { atLeast: 1, atMost: 4 });
    assert.deepEqual(exactSmall(preview), []);
  });
});

describeOnEachEngine('an officer counting one person with a preview', (h) => {
  it('learns neither that one resident went to a rare country nor which colour they would turn', async () => {
    // Zhang Wei alone of Yuhang went to Iceland; eight neighbours stayed home.
    for (let n = 0; n < 8; n++) await resident(h(), neighbour('330110', n), healthy);
    await resident(h(), ZHANG_WEI, iceland);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas/preview', headers: bearer(yuhang.token), payload: { country: 'IS', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    assert.deepEqual(exactSmall(preview), [], 'no count of 1 to 4 shown exactly');
    assert.deepEqual(preview.transitions, [], 'which way his colour goes is not said');
    assert.deepEqual([preview.residents, preview.wouldChange, preview.undivided], [{ atLeast: 1, atMost: 4 }, { atLeast: 0, atMost: 4 }, { atLeast: 1, atMost: 4 }]);
  });

  it('learns no exact count of residents matching a narrow rule', async () => {
    // Ten of Yuhang declared 36.5; Zhang Wei declared exactly 39.4 °C. A Yuhang rule reading 39.4 alone counts him.
    for (let n = 0; n < 10; n++) await resident(h(), neighbour('330110', n), healthy);
    await resident(h(), ZHANG_WEI, { ...healthy, temperature: 39.4 });
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const probe: Rule = {
      ...DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!,
      id: 'red-fever-39-4',
      region: '330110',
      outcome: { colour: 'red', quarantineDays: 3, checkIns: null },
      description: { 'zh-CN': '您 3 天内申报体温 39.4°C。', en: 'You declared 39.4 °C in the last 3 days.' },
      howToClear: { 'zh-CN': '居家休息。', en: 'Rest at home.' },
      condition: { and: [{ var: 'declaration.present' }, { '<': [{ var: 'declaration.daysSinceLatest' }, 3] }, { '==': [{ var: 'declaration.temperature' }, 39.4] }] },
    };
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/rules/preview', headers: bearer(yuhang.token), payload: { region: '330110', rules: [probe] } });
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    assert.deepEqual(exactSmall(preview), [], 'no count of 1 to 4 shown exactly');
    assert.deepEqual(preview.wouldChange, { atLeast: 1, atMost: 4 });
    // 11 exactly would give him back: the ten who keep their colour are exact.
    assert.deepEqual(preview.evaluated, { atLeast: 11, atMost: 14 }, 'the residents evaluated, as the sum of their parts as shown');
  });

  it('leaves an entry in the audit log for each preview, naming who counted, what they asked and what they were shown', async () => {
    await resident(h(), ZHANG_WEI, iceland);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const app = await h().app();
    for (const from of ['2026-11-06T00:00:00+08:00', '2026-11-09T00:00:00+08:00']) {
      await app.inject({ method: 'POST', url: '/api/v1/risk-areas/preview', headers: bearer(yuhang.token), payload: { country: 'IS', level: 'high', from } });
    }
    const entries = (await h().services.audit.entries({ limit: 100 })).filter((e) => e.action === 'preview-risk-area');
    assert.equal(entries.length, 2, 'both previews are in the log');
    const [entry] = entries;
    assert.equal(entry!.actor, '余杭区疾控中心 王主任 (authority)');
    assert.equal(entry!.residentId, null);
    assert.deepEqual((entry!.detail.area as { country: string }).country, 'IS');
    assert.equal(entry!.detail.counted, '330110');
    assert.deepEqual(entry!.detail.residents, { atLeast: 1, atMost: 4 });
  });
});

describeOnEachEngine('an officer counting one person by listing a risk area', (h) => {
  it('learns from the save neither that one resident went to a rare country, nor that his colour changed, nor that he was texted', async () => {
    // Zhang Wei alone of Yuhang went to Iceland; eight neighbours stayed home. The preview hides him, so the officer lists it.
    for (let n = 0; n < 8; n++) await resident(h(), neighbour('330110', n), healthy);
    await resident(h(), ZHANG_WEI, iceland);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas', headers: bearer(yuhang.token), payload: { country: 'IS', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    assert.equal(response.statusCode, 200, response.body);
    const saved = response.json();
    assert.deepEqual(exactSmall(saved), [], 'no count of 1 to 4 shown exactly');
    assert.deepEqual(saved.transitions, [], 'which way his colour went is not said');
    assert.deepEqual([saved.counted, saved.redecided, saved.colourChanges, saved.notified], ['330110', { atLeast: 1, atMost: 4 }, { atLeast: 0, atMost: 4 }, 0]);
  });

  it("counts none of Xihu's residents for Yuhang's officer listing where only Xihu's went", async () => {
    await resident(h(), LIU_FANG, wuchang);
    await resident(h(), ZHANG_WEI, healthy);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas', headers: bearer(yuhang.token), payload: { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    assert.equal(response.statusCode, 200, response.body);
    const saved = response.json();
    assert.deepEqual([saved.counted, saved.countedName, saved.redecided, saved.colourChanges, saved.notified, saved.transitions], ['330110', '浙江省杭州市余杭区', 0, 0, 0, []], 'Liu Fang is in no count');
  });

  it('leaves the exact counts in the audit entry of the listing, for auditors', async () => {
    await resident(h(), ZHANG_WEI, iceland);
    const yuhang = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    await (await h().app()).inject({ method: 'POST', url: '/api/v1/risk-areas', headers: bearer(yuhang.token), payload: { country: 'IS', level: 'high', from: '2026-11-06T00:00:00+08:00' } });
    const entries = (await h().services.audit.entries({ limit: 100 })).filter((e) => e.action === 'list-risk-area');
    assert.equal(entries.length, 1, 'the listing is in the log');
    assert.equal(entries[0]!.actor, '余杭区疾控中心 王主任 (authority)');
    assert.deepEqual((entries[0]!.detail.area as { country: string }).country, 'IS');
    assert.deepEqual(entries[0]!.detail.exact, { redecided: 1, colourChanges: 1, notified: 1 });
    assert.deepEqual((entries[0]!.detail.shown as { redecided: unknown }).redecided, { atLeast: 1, atMost: 4 });
  });
});

type Shown = number | { atLeast: number; atMost: number };
const low = (c: Shown) => (typeof c === 'number' ? c : c.atLeast);
const width = (c: Shown) => (typeof c === 'number' ? 0 : c.atMost - c.atLeast);
const exact = (c: Shown) => (typeof c === 'number' ? c : undefined);

/** Fuyang (330111): five green, one yellow (cough, 38.2 °C), one registered who never declared. */
async function fuyang(h: Harness) {
  for (let n = 0; n < 5; n++) await resident(h, neighbour('330111', n), healthy);
  await resident(h, neighbour('330111', 5), { ...healthy, symptoms: ['dry_cough'], temperature: 38.2 });
  await h.services.residents.register(neighbour('330111', 6), { phoneVerifiedAt: h.clock.now().getTime() });
  return h.services.staff.create('富阳区疾控中心 孙主任', 'authority', '330111');
}

/** A rule set for Fuyang whose one rule matches nobody: everyone decided keeps their colour. */
const noOp = (): Rule => ({
  ...DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!,
  id: 'red-fever-42-9',
  region: '330111',
  outcome: { colour: 'red', quarantineDays: 3, checkIns: null },
  description: { 'zh-CN': '您申报体温 42.9°C。', en: 'You declared 42.9 °C.' },
  howToClear: { 'zh-CN': '居家休息。', en: 'Rest at home.' },
  condition: { and: [{ var: 'declaration.present' }, { '<': [{ var: 'declaration.daysSinceLatest' }, 3] }, { '==': [{ var: 'declaration.temperature' }, 42.9] }] },
});

describeOnEachEngine("an officer subtracting a preview's count from the dashboard's", (h) => {
  it("learns no more of Fuyang's hidden yellow cell than its range", async () => {
    const fuyangOfficer = await fuyang(h());
    const app = await h().app();
    const dashboard = (await app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: bearer(fuyangOfficer.token) })).json();
    const row = dashboard.coloursByRegion.find((r: { region: string }) => r.region === '330111');
    assert.deepEqual([row.counts, row.undecided], [{ green: 5, yellow: { atLeast: 1, atMost: 4 }, red: 0, gray: 0 }, { atLeast: 1, atMost: 4 }], 'the dashboard hides the yellow one and the undeclared one');
    const response = await app.inject({ method: 'POST', url: '/api/v1/rules/preview', headers: bearer(fuyangOfficer.token), payload: { region: '330111', rules: [noOp()] } });
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    // The attacker's sums: when all a preview's hidden residents are in its changes, those who keep
    // their colour are exact (evaluated less the changes), and on a no-op rule set they are every
    // resident decided: green + yellow + red + gray, of which the dashboard shows all but yellow.
    const keptExactly = width(preview.evaluated) === width(preview.wouldChange) ? low(preview.evaluated) - low(preview.wouldChange) : undefined;
    const others = [row.counts.green, row.counts.red, row.counts.gray].map(exact);
    const yellowGivenBack = keptExactly !== undefined && others.every((n) => n !== undefined) ? keptExactly - others.reduce((s: number, n) => s + n!, 0) : undefined;
    assert.equal(yellowGivenBack, undefined, 'the preview and the dashboard together give the yellow cell back');
    // What it says of the residents decided is the dashboard's own cells summed: it adds nothing.
    assert.deepEqual(preview.evaluated, { atLeast: 7, atMost: 13 });
    assert.deepEqual(preview.transitions, [{ from: 'none', to: 'gray', residents: { atLeast: 1, atMost: 4 } }]);
  });
});
