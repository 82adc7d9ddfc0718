import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision, FiredRule } from '../../../src/domain/rules/decide.js';
import { WITHHELD_CAUSE, WITHHELD_RULE_ID, withheldCause, withholdAuthorityDetail } from '../../../src/domain/decisions/withheld-records.js';

const rule = (id: string, colour: FiredRule['colour'], source: string): FiredRule => ({
  id,
  version: 1,
  colour,
  mark: null,
  status: 'active',
  quarantineDays: 14,
  checkIns: { required: 14, onSymptoms: 'reset', streak: 0 },
  description: { 'zh-CN': '核酸检测阳性', en: 'Positive nucleic acid test' },
  clears: { 'zh-CN': '2026-12-03 转绿', en: 'Turns green on 2026-12-03' },
  howToClear: { 'zh-CN': '居家隔离', en: 'Stay home' },
  evidence: [{ fact: 'test', source: source as never, at: '2026-11-19T00:00:00.000Z', detail: { result: 'positive' } }],
});
const decision = (rules: FiredRule[]): Decision => ({ colour: 'red', mark: null, evaluatedAt: 0, ruleSet: { region: 'CN', version: 1 }, rules, greenOn: Date.parse('2026-12-03T00:00:00Z'), greenOnNote: null });

describe('authority records withheld from a relative until the identity is checked', () => {
  it('keeps the colour but says nothing of the kind of record, its date, its quarantine or its end', () => {
    const shown = withholdAuthorityDetail(decision([rule('red-positive-test', 'red', 'authority')]));
    assert.equal(shown.colour, 'red');
    assert.deepEqual(shown.rules.map((r) => [r.id, r.colour, r.quarantineDays, r.checkIns]), [[WITHHELD_RULE_ID, 'red', 0, null]]);
    assert.equal(shown.greenOn, null);
    const text = JSON.stringify(shown);
    for (const secret of ['positive', 'test', '2026-11-19', '2026-12-03', '阳性', 'Stay home']) assert.ok(!text.includes(secret), secret);
  });

  it('withholds rules fed by tracing, rail, air and telecom records too', () => {
    for (const source of ['trace', 'rail', 'air', 'telecom']) assert.equal(withholdAuthorityDetail(decision([rule('x', 'yellow', source)])).rules[0]!.id, WITHHELD_RULE_ID);
  });

  it("leaves what the relative declared themselves as it was", () => {
    const declared = decision([rule('red-fever', 'red', 'declaration')]);
    assert.equal(withholdAuthorityDetail(declared), declared);
  });

  it('names an import or a trace only as the authority records', () => {
    assert.deepEqual([withheldCause('import of tests'), withheldCause('trace 1f2e'), withheldCause('declaration')], [WITHHELD_CAUSE, WITHHELD_CAUSE, 'declaration']);
  });
});
