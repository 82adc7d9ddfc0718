import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { CorrectionFact } from '../../../src/domain/corrections.js';
import type { ResidentFacts, RiskAreaFact } from '../../../src/domain/facts.js';
import { localDate } from '../../../src/domain/local-time.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';
import type { Rule, RuleSet } from '../../../src/domain/rules/rule-set.js';
import { ReferenceEvaluator } from '../../support/reference-decide.js';

/**
 * The decision engine against the old slow one (test/support/reference-decide.ts): for random
 * residents, risk areas, rule sets and instants, the same decision (colour, rules, evidence,
 * greenOn and its note) and the same instant until which it may be served.
 */
const ZONE = 'Asia/Shanghai';
const BASE = Date.parse('2026-11-20T00:00:00+08:00');
const ago = (now: number, ms: number) => now - ms;
const span = (maxDays: number) => fc.integer({ min: 0, max: maxDays * DAY_MS });
const source = fc.constantFrom('declaration' as const, 'authority' as const, 'trace' as const);
/** Recorded when it happened, or learned of later (possibly after the decision). */
const lateBy = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: span(6), weight: 1 });

const scenario = fc
  .record({
    offset: fc.integer({ min: 0, max: 3 * DAY_MS }),
    registeredDaysAgo: fc.integer({ min: 0, max: 60 }),
    phone: fc.constantFrom('verified', 'later', 'none'),
    vouched: fc.option(span(30)),
    revoked: fc.option(span(10)),
    declarations: fc.array(fc.record({ ago: span(20), cough: fc.boolean(), temperature: fc.constantFrom(null, 36.5, 37.6) }), { maxLength: 3 }),
    stays: fc.array(
      fc.record({ place: fc.constantFrom('420106', '310104', '330110', 'JP'), ago: span(30), days: fc.option(fc.integer({ min: 0, max: 5 * DAY_MS })), late: lateBy, source }),
      { maxLength: 3 },
    ),
    contacts: fc.array(fc.record({ kind: fc.constantFrom('confirmed' as const, 'suspected' as const, 'close' as const, 'secondary' as const), ago: span(20), late: lateBy, source }), { maxLength: 2 }),
    cases: fc.array(fc.record({ status: fc.constantFrom('confirmed' as const, 'suspected' as const, 'recovered' as const, 'cleared' as const), ago: span(20), late: lateBy }), { maxLength: 2 }),
    tests: fc.array(fc.record({ positive: fc.boolean(), ago: span(20), late: lateBy }), { maxLength: 2 }),
    doses: fc.array(fc.record({ ago: span(200), late: lateBy }), { maxLength: 3 }),
    checkIns: fc.uniqueArray(fc.record({ daysAgo: fc.integer({ min: 0, max: 20 }), hour: fc.integer({ min: 0, max: 23 }), cough: fc.boolean(), fever: fc.boolean() }), { selector: (c) => c.daysAgo, maxLength: 12 }),
    corrections: fc.array(fc.record({ colour: fc.constantFrom('green' as const, 'yellow' as const, 'red' as const), ago: span(10), lasts: span(14) }), { maxLength: 1 }),
    areas: fc.array(fc.record({ place: fc.constantFrom('420100', '420106', '310104', 'JP'), level: fc.constantFrom('high' as const, 'medium' as const, 'low' as const), ago: span(25), lasts: fc.option(span(20)) }), { maxLength: 3 }),
    rules: fc.subarray(DEFAULT_RULES, { minLength: 1 }),
    validity: fc.array(fc.record({ from: fc.option(span(20)), to: fc.option(span(20)) }), { minLength: DEFAULT_RULES.length, maxLength: DEFAULT_RULES.length }),
    checkInsRequired: fc.array(fc.option(fc.option(fc.record({ required: fc.integer({ min: 1, max: 5 }), onSymptoms: fc.constantFrom('reset' as const, 'escalate' as const) })), { nil: undefined }), { minLength: DEFAULT_RULES.length, maxLength: DEFAULT_RULES.length }),
  })
  .map((s) => {
    const now = BASE + s.offset;
    const registeredAt = ago(now, s.registeredDaysAgo * DAY_MS);
    const facts: ResidentFacts = {
      residentId: 'r1',
      region: '330110',
      registeredAt,
      phoneVerifiedAt: s.phone === 'verified' ? registeredAt : s.phone === 'later' ? now + 2 * HOUR_MS : null,
      identityVouchedAt: s.vouched === null ? null : ago(now, s.vouched),
      identityRevokedAt: s.revoked === null ? null : ago(now, s.revoked),
      declarations: s.declarations.map((d) => ({ at: ago(now, d.ago), symptoms: d.cough ? ['dry_cough'] : [], temperature: d.temperature })),
      stays: s.stays.map((x) => {
        const arrival = ago(now, x.ago);
        return { region: x.place === 'JP' ? null : x.place, country: x.place === 'JP' ? 'JP' : null, arrival, departure: x.days === null ? null : Math.min(now, arrival + x.days), source: x.source, recordedAt: arrival + x.late };
      }),
      contacts: s.contacts.map((c) => ({ kind: c.kind, at: ago(now, c.ago), source: c.source, recordedAt: ago(now, c.ago) + c.late })),
      cases: s.cases.map((c) => ({ status: c.status, at: ago(now, c.ago), source: 'authority' as const, recordedAt: ago(now, c.ago) + c.late })),
      tests: s.tests.map((t) => ({ result: t.positive ? ('positive' as const) : ('negative' as const), at: ago(now, t.ago), source: 'authority' as const, recordedAt: ago(now, t.ago) + t.late })),
      vaccinations: s.doses.map((d, i) => ({ dose: i + 1, courseDoses: 2, at: ago(now, d.ago), source: 'authority' as const, recordedAt: ago(now, d.ago) + d.late })),
      checkIns: s.checkIns.map((c) => {
        const at = ago(now, c.daysAgo * DAY_MS) - c.hour * HOUR_MS;
        return { date: localDate(new Date(at), ZONE), at, symptoms: c.cough ? ['dry_cough'] : [], temperature: c.fever ? 37.8 : 36.5 };
      }),
      corrections: s.corrections.map((c, i): CorrectionFact => ({ id: `c${i}`, colour: c.colour, reason: 'record-error', note: '', approvedAt: ago(now, c.ago), endsAt: ago(now, c.ago) + c.lasts + HOUR_MS })),
    };
    const areas: RiskAreaFact[] = s.areas.map((a) => ({ region: a.place === 'JP' ? null : a.place, country: a.place === 'JP' ? 'JP' : null, level: a.level, from: ago(now, a.ago), to: a.lasts === null ? null : ago(now, a.ago) + a.lasts + HOUR_MS }));
    const rules: Rule[] = s.rules.map((rule) => {
      const i = DEFAULT_RULES.indexOf(rule);
      const { from, to } = s.validity[i]!;
      const validFrom = from === null ? rule.validFrom : new Date(ago(now, from)).toISOString();
      const validTo = to === null ? null : new Date(Date.parse(validFrom) + to + HOUR_MS).toISOString();
      const checkIns = s.checkInsRequired[i] === undefined ? rule.outcome.checkIns : s.checkInsRequired[i]!;
      return { ...rule, validFrom, validTo, outcome: { ...rule.outcome, checkIns } };
    });
    const ruleSet: RuleSet = { region: 'CN', version: 3, publishedAt: new Date(BASE - 30 * DAY_MS).toISOString(), rules };
    return { now, facts, areas, ruleSet };
  });

it('decides as the old engine did, greenOn and all, for random residents, areas, rule sets and instants', () => {
  fc.assert(
    fc.property(scenario, ({ now, facts, areas, ruleSet }) => {
      const fast = new RuleEvaluator(ruleSet, ZONE);
      const reference = new ReferenceEvaluator(ruleSet, ZONE);
      assert.deepStrictEqual(fast.decide(facts, areas, now), reference.decide(facts, areas, now));
      assert.equal(fast.nextChange(facts, areas, now), reference.nextChange(facts, areas, now));
    }),
    { numRuns: 1500 },
  );
});

it('decides as the old engine did for residents who were in a risk area and are still checking in', () => {
  // The cases the random search reaches least: a quarantine ending, check-ins under way.
  fc.assert(
    fc.property(scenario, fc.integer({ min: 2, max: 16 }), ({ now, facts, ruleSet }, departedDaysAgo) => {
      const arrival = now - (departedDaysAgo + 2) * DAY_MS;
      const stayed: ResidentFacts = { ...facts, stays: [...facts.stays, { region: '420106', country: null, arrival, departure: arrival + 2 * DAY_MS, source: 'declaration', recordedAt: arrival + 2 * DAY_MS }] };
      const areas: RiskAreaFact[] = [{ region: '420100', country: null, level: 'high', from: now - 40 * DAY_MS, to: null }];
      const fast = new RuleEvaluator(ruleSet, ZONE);
      const reference = new ReferenceEvaluator(ruleSet, ZONE);
      assert.deepStrictEqual(fast.decide(stayed, areas, now), reference.decide(stayed, areas, now));
    }),
    { numRuns: 500 },
  );
});

it('decides as the old engine did when a quarantine outlasts the check-ins its rules ask for, with check-ins recorded ahead and up to 28 asked for', () => {
  // greenOn stops asking rules it no longer needs once every rule's check-ins are done (decide.ts,
  // checkInsDoneFrom): long quarantines, rules asking for many check-ins, and check-ins dated after
  // the decision (which could break the streak) are where that could go wrong.
  const ahead = fc.array(fc.record({ daysAhead: fc.integer({ min: 0, max: 20 }), hour: fc.integer({ min: 0, max: 23 }), cough: fc.boolean() }), { maxLength: 2 });
  const required = fc.array(fc.option(fc.record({ required: fc.integer({ min: 1, max: 28 }), onSymptoms: fc.constantFrom('reset' as const, 'escalate' as const) })), { minLength: DEFAULT_RULES.length, maxLength: DEFAULT_RULES.length });
  fc.assert(
    fc.property(scenario, fc.integer({ min: 0, max: 13 }), ahead, fc.option(required, { freq: 2 }), ({ now, facts, ruleSet }, departedDaysAgo, later, asked) => {
      const arrival = now - (departedDaysAgo + 2) * DAY_MS;
      const checkIns = [...facts.checkIns, ...later.map((c) => {
        const at = now + c.daysAhead * DAY_MS + c.hour * HOUR_MS;
        return { date: localDate(new Date(at), ZONE), at, symptoms: c.cough ? ['dry_cough'] : [], temperature: 36.5 };
      })];
      const stayed: ResidentFacts = { ...facts, checkIns, stays: [...facts.stays, { region: '420106', country: null, arrival, departure: arrival + 2 * DAY_MS, source: 'declaration', recordedAt: arrival + 2 * DAY_MS }] };
      const areas: RiskAreaFact[] = [{ region: '420100', country: null, level: 'high', from: now - 40 * DAY_MS, to: null }];
      const rules = asked === null ? ruleSet.rules : ruleSet.rules.map((rule) => ({ ...rule, outcome: { ...rule.outcome, checkIns: asked[DEFAULT_RULES.findIndex((r) => r.id === rule.id)] ?? null } }));
      const set = { ...ruleSet, rules };
      assert.deepStrictEqual(new RuleEvaluator(set, ZONE).decide(stayed, areas, now), new ReferenceEvaluator(set, ZONE).decide(stayed, areas, now));
    }),
    { numRuns: 500 },
  );
});

it('decides as the old engine did when a rule asking for few check-ins keeps the code red while one asking for more holds on days ahead', () => {
  // The corner checkInsDoneFrom guards: a rule that holds only while the code is already red (a
  // symptom reported on a check-in ahead) is still awaiting its check-ins when the red one ends.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 * DAY_MS }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 28 }),
      fc.array(fc.record({ daysAhead: fc.integer({ min: 0, max: 16 }), hour: fc.integer({ min: 0, max: 23 }) }), { minLength: 1, maxLength: 2 }),
      (offset, departedDaysAgo, redAsks, yellowAsks, coughs) => {
        const now = BASE + offset;
        const arrival = now - (departedDaysAgo + 2) * DAY_MS;
        const facts: ResidentFacts = {
          residentId: 'r1', region: '330110', registeredAt: now - 40 * DAY_MS, phoneVerifiedAt: now - 40 * DAY_MS, identityVouchedAt: null, identityRevokedAt: null,
          declarations: [{ at: now - DAY_MS, symptoms: [], temperature: 36.5 }],
          stays: [{ region: '420106', country: null, arrival, departure: arrival + 2 * DAY_MS, source: 'declaration', recordedAt: arrival + 2 * DAY_MS }],
          contacts: [], cases: [], tests: [], vaccinations: [],
          checkIns: coughs.map((c) => {
            const at = now + c.daysAhead * DAY_MS + c.hour * HOUR_MS;
            return { date: localDate(new Date(at), ZONE), at, symptoms: ['dry_cough'], temperature: 36.5 };
          }),
        };
        const asks = (id: string, required: number) => (rule: Rule): Rule => (rule.id === id ? { ...rule, outcome: { ...rule.outcome, checkIns: { required, onSymptoms: 'reset' } } } : rule);
        const rules = DEFAULT_RULES.map(asks('red-high-risk-area', redAsks)).map(asks('yellow-symptoms', yellowAsks));
        const set: RuleSet = { region: 'CN', version: 3, publishedAt: new Date(BASE - 30 * DAY_MS).toISOString(), rules };
        const areas: RiskAreaFact[] = [{ region: '420100', country: null, level: 'high', from: now - 40 * DAY_MS, to: null }];
        assert.deepStrictEqual(new RuleEvaluator(set, ZONE).decide(facts, areas, now), new ReferenceEvaluator(set, ZONE).decide(facts, areas, now));
      },
    ),
    { numRuns: 500 },
  );
});
