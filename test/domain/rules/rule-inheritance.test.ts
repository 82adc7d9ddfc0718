import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { effectiveRuleSet, inheritanceProblems, sameSets } from '../../../src/domain/rules/rule-inheritance.js';
import type { RuleSet } from '../../../src/domain/rules/rule-set.js';
import { cityLowFeverRule, withQuarantine } from '../../support/rules.js';

const national: RuleSet = { region: 'CN', version: 3, publishedAt: '2026-01-01T00:00:00.000Z', rules: DEFAULT_RULES };
const reason = { 'zh-CN': '本市规定。', en: 'The city decided so.' };
const gold = DEFAULT_RULES.find((r) => r.id === 'gold-vaccinated')!;
const contact = DEFAULT_RULES.find((r) => r.id === 'red-close-contact')!;
const set = (region: string, version: number, extra: Partial<RuleSet>): RuleSet => ({ region, version, publishedAt: '2026-11-01T00:00:00.000Z', rules: [], ...extra });

describe('the effective rules of a region', () => {
  it('are the national rules followed by each region’s own, named by the region that published them', () => {
    const effective = effectiveRuleSet([national, set('330100', 2, { rules: [cityLowFeverRule('330100')] })]);
    assert.deepEqual(effective.rules.map((r) => `${r.region}:${r.id}`), [...DEFAULT_RULES.map((r) => `CN:${r.id}`), '330100:yellow-low-fever']);
    assert.deepEqual([effective.region, effective.version, effective.inherits], ['330100', 2, [{ region: 'CN', version: 3 }]]);
  });

  it('replace an inherited rule in its place in the order, and say who replaced it and why', () => {
    const replacement = { ...withQuarantine(contact, 10), region: '330100' };
    const effective = effectiveRuleSet([national, set('330100', 1, { rules: [replacement], overrides: [{ id: contact.id, reason }] })]);
    assert.equal(effective.rules.filter((r) => r.id === contact.id).length, 1);
    assert.equal(effective.rules.find((r) => r.id === contact.id)?.region, '330100');
    assert.deepEqual(effective.overridden, [{ id: contact.id, by: '330100', reason, replaced: contact, with: replacement }]);
  });

  it('drop a withdrawn rule, saying so', () => {
    const effective = effectiveRuleSet([national, set('330110', 1, { overrides: [{ id: gold.id, reason }] })]);
    assert.equal(effective.rules.some((r) => r.id === gold.id), false);
    assert.equal(effective.overridden[0]?.with, null);
  });

  it('keep the inherited rule when a clashing rule got in unnamed (two publications racing): the floor never drops silently', () => {
    const effective = effectiveRuleSet([national, set('330110', 1, { rules: [{ ...gold, region: '330110', outcome: { colour: 'green', quarantineDays: 0, checkIns: null } }] })]);
    assert.equal(effective.rules.find((r) => r.id === gold.id)?.region, 'CN');
  });

  it('fold a province, a city and a district, each extending the one above', () => {
    const effective = effectiveRuleSet([
      national,
      set('330000', 4, { rules: [{ ...cityLowFeverRule('330000'), id: 'yellow-province' }] }),
      set('330100', 1, { overrides: [{ id: 'yellow-province', reason }] }),
      set('330110', 7, { rules: [cityLowFeverRule('330110')] }),
    ]);
    assert.deepEqual(effective.inherits.map((s) => s.region), ['CN', '330000', '330100']);
    assert.equal(effective.rules.some((r) => r.id === 'yellow-province'), false);
    assert.equal(effective.rules.at(-1)?.region, '330110');
  });
});

describe('whether two decisions were made under the same rules', () => {
  it('tells a new version of an inherited set apart', () => {
    assert.equal(sameSets({ region: '330110', version: 1, inherits: [{ region: 'CN', version: 1 }] }, { region: '330110', version: 1, inherits: [{ region: 'CN', version: 2 }] }), false);
    assert.equal(sameSets({ region: 'CN', version: 2 }, { region: 'CN', version: 2, inherits: [] }), true);
  });

  it('answers as comparing both written out as JSON, the obvious way (differential)', () => {
    const obvious = (a: Parameters<typeof sameSets>[0], b: Parameters<typeof sameSets>[0]) => {
      const key = (s: typeof a) => JSON.stringify([...(s.inherits ?? []), { region: s.region, version: s.version }].map((r) => [r.region, r.version]));
      return key(a) === key(b);
    };
    const ref = fc.record({ region: fc.constantFrom('CN', '330000', '330100', '330110'), version: fc.integer({ min: 0, max: 3 }) });
    const sets = fc.record({ region: ref.map((r) => r.region), version: ref.map((r) => r.version), inherits: fc.option(fc.array(ref, { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: ['region', 'version'] });
    fc.assert(
      fc.property(sets, sets, (a, b) => {
        assert.equal(sameSets(a, b), obvious(a, b));
        assert.equal(sameSets(a, structuredClone(a)), true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('publishing over inherited rules', () => {
  it('needs at least one rule or override', () => {
    assert.deepEqual(inheritanceProblems({ region: '330110', rules: [] }, DEFAULT_RULES, []).map((p) => p.path), ['rules']);
  });

  it('refuses the same override twice', () => {
    const problems = inheritanceProblems({ region: '330110', rules: [], overrides: [{ id: gold.id, reason }, { id: gold.id, reason }] }, DEFAULT_RULES, []);
    assert.deepEqual(problems.map((p) => [p.path, p.message]), [['overrides[1].id', 'is named twice']]);
  });
});
