import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { ResidentFacts, RiskAreaFact } from '../../src/domain/facts.js';
import { localDate } from '../../src/domain/local-time.js';

/**
 * Random residents, risk areas and conditions over the rules' vocabulary, for the properties that
 * attack the engine's reasoning about time (time-shape.ts, fact-changes.ts) and the decisions built
 * on it. Conditions mix what the analysis understands (ages against numbers, lists of facts, and/or/!)
 * with what it must refuse (check-ins, ages against ages, arithmetic, whole parts, nonsense names).
 */
export const ZONE = 'Asia/Shanghai';
export const BASE = Date.parse('2026-11-20T00:00:00+08:00');

const span = (maxDays: number) => fc.integer({ min: 0, max: maxDays * DAY_MS });
const late = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: span(4), weight: 1 });

/** A resident and risk areas around `now`, with facts in the past and, some, still to come. */
export const residentAround = fc
  .record({
    offset: fc.integer({ min: 0, max: 2 * DAY_MS }),
    registeredDaysAgo: fc.integer({ min: 0, max: 40 }),
    phoneIn: fc.option(fc.integer({ min: -10 * DAY_MS, max: 10 * DAY_MS })),
    revokedIn: fc.option(fc.integer({ min: -10 * DAY_MS, max: 20 * DAY_MS }), { freq: 4 }),
    declarations: fc.array(fc.record({ at: fc.integer({ min: -25 * DAY_MS, max: 5 * DAY_MS }), cough: fc.boolean(), temperature: fc.constantFrom(null, 36.5, 37.6) }), { maxLength: 2 }),
    stays: fc.array(fc.record({ place: fc.constantFrom('420106', '310104', 'JP'), at: fc.integer({ min: -30 * DAY_MS, max: 3 * DAY_MS }), lasts: fc.option(span(5)), late }), { maxLength: 2 }),
    contacts: fc.array(fc.record({ kind: fc.constantFrom('confirmed' as const, 'close' as const, 'secondary' as const), at: fc.integer({ min: -35 * DAY_MS, max: 3 * DAY_MS }), late }), { maxLength: 2 }),
    cases: fc.array(fc.record({ status: fc.constantFrom('confirmed' as const, 'recovered' as const), at: fc.integer({ min: -20 * DAY_MS, max: 5 * DAY_MS }), late }), { maxLength: 1 }),
    tests: fc.array(fc.record({ positive: fc.boolean(), at: fc.integer({ min: -35 * DAY_MS, max: 3 * DAY_MS }), late }), { maxLength: 2 }),
    doses: fc.array(fc.record({ at: fc.integer({ min: -200 * DAY_MS, max: 5 * DAY_MS }), late }), { maxLength: 2 }),
    checkIns: fc.uniqueArray(fc.record({ daysAgo: fc.integer({ min: 0, max: 10 }), cough: fc.boolean() }), { selector: (c) => c.daysAgo, maxLength: 4 }),
    areas: fc.array(fc.record({ place: fc.constantFrom('420100', '310104', 'JP'), level: fc.constantFrom('high' as const, 'medium' as const), at: fc.integer({ min: -20 * DAY_MS, max: 10 * DAY_MS }), lasts: fc.option(span(20)) }), { maxLength: 2 }),
  })
  .map((s) => {
    const now = BASE + s.offset;
    const registeredAt = now - s.registeredDaysAgo * DAY_MS;
    const region = (place: string) => (place === 'JP' ? null : place);
    const country = (place: string) => (place === 'JP' ? 'JP' : null);
    const facts: ResidentFacts = {
      residentId: 'r1',
      region: '330110',
      registeredAt,
      phoneVerifiedAt: s.phoneIn === null ? null : now + s.phoneIn,
      identityRevokedAt: s.revokedIn === null ? null : now + s.revokedIn,
      declarations: s.declarations.map((d) => ({ at: now + d.at, symptoms: d.cough ? ['dry_cough'] : [], temperature: d.temperature })),
      stays: s.stays.map((x) => ({ region: region(x.place), country: country(x.place), arrival: now + x.at, departure: x.lasts === null ? null : now + x.at + x.lasts, source: 'declaration' as const, recordedAt: now + x.at + x.late })),
      contacts: s.contacts.map((c) => ({ kind: c.kind, at: now + c.at, source: 'trace' as const, recordedAt: now + c.at + c.late })),
      cases: s.cases.map((c) => ({ status: c.status, at: now + c.at, source: 'authority' as const, recordedAt: now + c.at + c.late })),
      tests: s.tests.map((t) => ({ result: t.positive ? ('positive' as const) : ('negative' as const), at: now + t.at, source: 'authority' as const, recordedAt: now + t.at + t.late })),
      vaccinations: s.doses.map((d, i) => ({ dose: i + 1, courseDoses: 2, at: now + d.at, source: 'authority' as const, recordedAt: now + d.at + d.late })),
      checkIns: s.checkIns.map((c) => {
        const at = now - c.daysAgo * DAY_MS - 2 * HOUR_MS;
        return { date: localDate(new Date(at), ZONE), at, symptoms: c.cough ? ['dry_cough'] : [], temperature: 36.5 };
      }),
    };
    const areas: RiskAreaFact[] = s.areas.map((a) => ({ region: region(a.place), country: country(a.place), level: a.level, from: now + a.at, to: a.lasts === null ? null : now + a.at + a.lasts + HOUR_MS }));
    return { now, facts, areas };
  });

const AGES = ['resident.daysSinceRegistration', 'declaration.daysSinceLatest', 'vaccination.daysSinceLastDose'];
const FIXED = ['resident.phoneVerified', 'resident.identityVerified', 'declaration.present', 'declaration.fever', 'declaration.symptoms', 'vaccination.fullCourse', 'vaccination.doses'];
/** Names the analysis must not take for fixed: new check-ins come every day, and whole parts hold ages. */
const AWKWARD = ['checkInStreak', 'checkIns', '', 'declaration', 'vaccination.nothing'];
const LISTS: Record<string, { ages: string[]; fixed: string[]; values: Record<string, unknown[]> }> = {
  stays: { ages: ['hours', 'daysSinceArrival', 'daysSinceDeparture'], fixed: ['region', 'country', 'riskLevel', 'ongoing'], values: { riskLevel: ['high', 'medium', 'none'], region: [null, '420106'], country: [null, 'JP'], ongoing: [true] } },
  contacts: { ages: ['daysAgo'], fixed: ['kind'], values: { kind: ['close', 'secondary', 'confirmed'] } },
  cases: { ages: ['daysAgo'], fixed: ['status'], values: { status: ['confirmed', 'recovered'] } },
  tests: { ages: ['daysAgo'], fixed: ['result'], values: { result: ['positive', 'negative'] } },
  checkIns: { ages: ['daysAgo'], fixed: ['clean'], values: { clean: [true, false] } },
};
const number = fc.integer({ min: -2, max: 40 });
const comparator = fc.constantFrom('<', '<=', '>', '>=', '==', '!=');

function comparisons(ages: string[], fixed: string[], values: Record<string, unknown[]>, awkward: string[]) {
  const age = fc.constantFrom(...ages).map((name) => ({ var: name }));
  const anyVar = fc.constantFrom(...ages, ...fixed, ...awkward).map((name) => ({ var: name }));
  return fc.oneof(
    { arbitrary: fc.tuple(comparator, age, number, fc.boolean()).map(([op, a, n, swap]) => ({ [op]: swap ? [n, a] : [a, n] })), weight: 6 },
    { arbitrary: fc.tuple(fc.constantFrom(...fixed), fc.constantFrom('==', '!=')).chain(([name, op]) => fc.constantFrom(...(values[name] ?? [true, false, 0, null])).map((v) => ({ [op]: [{ var: name }, v] }))), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom('<', '<='), number, age, number).map(([op, lo, a, hi]) => ({ [op]: [lo, a, hi] })), weight: 1 },
    { arbitrary: fc.tuple(comparator, age, age).map(([op, a, b]) => ({ [op]: [a, b] })), weight: 1 },
    { arbitrary: fc.tuple(comparator, age, number).map(([op, a, n]) => ({ [op]: [{ '+': [a, 1] }, n] })), weight: 1 },
    { arbitrary: anyVar, weight: 2 },
    { arbitrary: fc.constantFrom(true, false, 0, 'x'), weight: 1 },
  );
}

const itemCondition = (list: string) => {
  const { ages, fixed, values } = LISTS[list]!;
  return fc.letrec<{ c: unknown }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small' },
      { arbitrary: comparisons(ages, fixed, values, ['', 'nothing']), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('c'), { minLength: 1, maxLength: 3 })).map(([op, xs]) => ({ [op]: xs })), weight: 2 },
      { arbitrary: fc.tuple(fc.constantFrom('!', '!!'), tie('c')).map(([op, x]) => ({ [op]: [x] })), weight: 1 },
    ),
  })).c;
};

/** A condition as a rule might hold one, over the whole vocabulary and some things no rule should say. */
export const condition: fc.Arbitrary<unknown> = fc.letrec<{ c: unknown }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: comparisons(AGES, FIXED, { 'declaration.present': [true, false], 'resident.phoneVerified': [true, false] }, AWKWARD), weight: 5 },
    { arbitrary: fc.constantFrom(...Object.keys(LISTS)).chain((list) => fc.tuple(fc.constantFrom('some', 'all', 'none', 'filter'), itemCondition(list)).map(([op, each]) => ({ [op]: [{ var: list }, each] }))), weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('c'), { minLength: 1, maxLength: 3 })).map(([op, xs]) => ({ [op]: xs })), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom('!', '!!'), tie('c')).map(([op, x]) => ({ [op]: [x] })), weight: 2 },
    { arbitrary: fc.tuple(tie('c'), tie('c'), tie('c')).map((xs) => ({ if: xs })), weight: 1 },
    { arbitrary: fc.constantFrom('fever', 'dry_cough').map((s) => ({ in: [s, { var: 'declaration.symptoms' }] })), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...Object.keys(LISTS)), number).map(([list, n]) => ({ '>': [{ reduce: [{ var: list }, { '+': [{ var: 'accumulator' }, 1] }, 0] }, n] })), weight: 1 },
  ),
})).c;

/** JsonLogic's truth of a condition on some data, as json-logic-js has it. */
export const truthOf = (logic: unknown, data: unknown): boolean => jsonLogic.truthy(jsonLogic.apply(logic as jsonLogic.RulesLogic, data as Record<string, unknown>));
