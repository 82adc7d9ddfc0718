import { verifiedResident } from '../../support/resident-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { ResidentFacts, RiskAreaFact } from '../../../src/domain/facts.js';
import { clearingOf, clearingText, clearsAt, withClears } from '../../../src/domain/rules/clearing.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import type { Rule } from '../../../src/domain/rules/rule-set.js';
import { validateRuleSet } from '../../../src/domain/rules/rule-validation.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
/** When each fixture's exposure ended: an hour ago. */
const EXPOSED = NOW - HOUR_MS;

const resident = (extra: Partial<ResidentFacts> = {}) => verifiedResident(NOW, extra, { declaredMsAgo: 2 * DAY_MS });

const recorded = { source: 'authority' as const, recordedAt: EXPOSED };
const wuhan: RiskAreaFact = { region: '420100', country: null, level: 'high', from: NOW - 10 * DAY_MS, to: null };
const shaoxing: RiskAreaFact = { region: '330600', country: null, level: 'medium', from: NOW - 10 * DAY_MS, to: null };
const korea: RiskAreaFact = { region: null, country: 'KR', level: 'high', from: NOW - 10 * DAY_MS, to: null };

/** For every default rule: facts that make it fire, its last exposure ending at EXPOSED. */
const FIRING: Record<string, { facts: ResidentFacts; areas?: RiskAreaFact[] }> = {
  'red-case': { facts: resident({ cases: [{ status: 'confirmed', at: EXPOSED, ...recorded }] }) },
  'red-positive-test': { facts: resident({ tests: [{ result: 'positive', at: EXPOSED, ...recorded }] }) },
  'red-close-contact': { facts: resident({ contacts: [{ kind: 'close', at: EXPOSED, source: 'trace', recordedAt: EXPOSED }] }) },
  'red-high-risk-area': { facts: resident({ stays: [{ region: '420106', country: null, arrival: EXPOSED - 30 * HOUR_MS, departure: EXPOSED, source: 'rail', recordedAt: EXPOSED }] }), areas: [wuhan] },
  'yellow-symptoms': { facts: resident({ declarations: [{ at: EXPOSED, symptoms: ['dry_cough'], temperature: 37.9 }] }) },
  'yellow-medium-risk-area': { facts: resident({ stays: [{ region: '330602', country: null, arrival: EXPOSED - 6 * HOUR_MS, departure: EXPOSED, source: 'telecom', recordedAt: EXPOSED }] }), areas: [shaoxing] },
  'yellow-high-risk-country': { facts: resident({ stays: [{ region: null, country: 'KR', arrival: EXPOSED - 5 * DAY_MS, departure: EXPOSED, source: 'air', recordedAt: EXPOSED }] }), areas: [korea] },
  'yellow-secondary-contact': { facts: resident({ contacts: [{ kind: 'secondary', at: EXPOSED, source: 'trace', recordedAt: EXPOSED }] }) },
  'gray-unverified': { facts: resident({ phoneVerifiedAt: null }) },
  'gray-no-recent-declaration': { facts: resident({ declarations: [] }) },
  'gold-vaccinated': { facts: resident({ vaccinations: [1, 2].map((dose) => ({ dose, courseDoses: 2, at: NOW - (60 - dose * 21) * DAY_MS, ...recorded })) }) },
};

/** The rule alone decides: what its own explanation says is what it alone does. */
const alone = (rule: Rule) => new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: [rule] }, 'Asia/Shanghai');

describe('how a rule clears, said from its outcome', () => {
  it('has a firing fixture for every default rule, so a new rule cannot skip these checks', () => {
    assert.deepEqual(Object.keys(FIRING).sort(), DEFAULT_RULES.map((r) => r.id).sort());
  });

  for (const rule of DEFAULT_RULES) {
    it(`agrees with the engine's greenOn for ${rule.id}`, () => {
      const { facts, areas = [] } = FIRING[rule.id]!;
      const decision = alone(rule).decide(facts, areas, NOW);
      assert.deepEqual(decision.rules.map((r) => r.id), [rule.id], 'the fixture fires the rule');
      const clearing = clearingOf(rule.outcome);
      if (clearing.kind === 'mark') {
        assert.equal(decision.colour, 'green');
        return;
      }
      assert.equal(decision.greenOn, clearsAt(clearing, EXPOSED), `${rule.id}: the text says ${clearingText(clearing).en}`);
      assert.equal(decision.greenOnNote, clearing.kind === 'action' ? 'needs-action' : null);
      assert.deepEqual(decision.rules[0]!.clears, clearingText(clearing), 'the decision carries the same words');
    });
  }

  it('leaves the days to the outcome: no default rule names a number in its own words', () => {
    for (const rule of DEFAULT_RULES) for (const text of Object.values(rule.howToClear)) assert.doesNotMatch(text, /\d/, `${rule.id}: ${text}`);
  });

  it('names the days and the check-ins it needs, in both languages', () => {
    const text = clearingText({ kind: 'time', days: 14, checkIns: { required: 3, onSymptoms: 'reset' } });
    assert.equal(text.en, 'Clears 14 days after your last exposure listed below, once your daily check-ins on the last 3 days are clean. A check-in with symptoms or a fever starts the count again.');
    assert.equal(text['zh-CN'], '自下列最后一次接触风险之日起满 14 天，且最后连续 3 天每日打卡无症状后解除。打卡时有症状或发热，则重新计数。');
  });

  it('says a check-in with symptoms turns a yellow rule that escalates red', () => {
    const text = clearingText(clearingOf(DEFAULT_RULES.find((r) => r.id === 'yellow-secondary-contact')!.outcome));
    assert.match(text.en, /turns the code red/);
    assert.match(text['zh-CN'], /转为红码/);
  });

  it('gives a rule the words the engine\'s decision gives it, leaving the rule as published', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'yellow-secondary-contact')!;
    const before = structuredClone(rule);
    const shown = withClears(rule);
    assert.deepEqual(shown.clears, clearingText(clearingOf(rule.outcome)));
    assert.deepEqual({ ...shown, clears: undefined }, { ...before, clears: undefined });
    assert.deepEqual(rule, before);
  });

  it('says waiting does not clear a rule that only an action clears', () => {
    assert.deepEqual(clearingOf(DEFAULT_RULES.find((r) => r.id === 'red-case')!.outcome), { kind: 'action' });
  });

  it('clears symptoms sooner when the resident declares again without them, as its own words promise', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!;
    const facts = resident({ declarations: [{ at: EXPOSED, symptoms: ['dry_cough'], temperature: 37.9 }, { at: NOW + DAY_MS, symptoms: [], temperature: 36.6 }] });
    const later = NOW + DAY_MS + HOUR_MS;
    const decision = alone(rule).decide(facts, [], later);
    assert.equal(decision.rules[0]?.status, 'awaiting-check-ins');
    assert.ok(decision.greenOn !== null && decision.greenOn < clearsAt(clearingOf(rule.outcome), EXPOSED)!, 'sooner than the 7 days');
  });
});

describe('the evidence a decision cites', () => {
  for (const rule of DEFAULT_RULES) {
    it(`gives every piece of evidence for ${rule.id} its time`, () => {
      const { facts, areas = [] } = FIRING[rule.id]!;
      for (const evidence of alone(rule).decide(facts, areas, NOW).rules[0]!.evidence) assert.notEqual(evidence.at, null, `${rule.id}: ${evidence.fact}`);
    });
  }

  it('cites a declaration as one fact, at the time it was made, with what the rule read', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!;
    const [evidence] = alone(rule).decide(FIRING[rule.id]!.facts, [], NOW).rules[0]!.evidence;
    assert.equal(evidence?.fact, 'declaration');
    assert.equal(evidence?.at, new Date(EXPOSED).toISOString());
    assert.deepEqual(evidence?.detail, {
      present: true,
      symptoms: ['dry_cough'],
      temperature: 37.9,
      fever: true,
      facts: { 'declaration.present': true, 'declaration.daysSinceLatest': 0, 'declaration.fever': true, 'declaration.symptoms': ['dry_cough'] },
    });
  });

  it('cites an unverified identity at registration, when nothing has been verified since', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'gray-unverified')!;
    const [evidence] = alone(rule).decide(FIRING[rule.id]!.facts, [], NOW).rules[0]!.evidence;
    assert.deepEqual([evidence?.fact, evidence?.at], ['identity', new Date(NOW - 30 * DAY_MS).toISOString()]);
  });
});

describe('publishing a quarantine the condition does not apply', () => {
  const ruleSet = (rule: Rule) => ({ region: 'CN', rules: [rule] });
  const symptoms = DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!;

  it('is refused when the stated days differ from the condition window', () => {
    const problems = validateRuleSet(ruleSet({ ...symptoms, outcome: { ...symptoms.outcome, quarantineDays: 5 } }));
    assert.deepEqual(problems.map((p) => p.path), ['rules[0].outcome.quarantineDays']);
    assert.match(problems[0]!.message, /quarantine of 5 days, but the condition's window is 7 or 2 days/);
  });

  it('is refused when the condition has no window at all, so waiting never clears it', () => {
    const redCase = DEFAULT_RULES.find((r) => r.id === 'red-case')!;
    const problems = validateRuleSet(ruleSet({ ...redCase, outcome: { ...redCase.outcome, quarantineDays: 14 } }));
    assert.match(problems[0]?.message ?? '', /reads no time window/);
  });

  it('accepts every default rule', () => {
    assert.deepEqual(validateRuleSet({ region: 'CN', rules: DEFAULT_RULES }), []);
  });
});
