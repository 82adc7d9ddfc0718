import { DAY_MS, HOUR_MS } from '../src/domain/clock.js';
import type { ResidentFacts, RiskAreaFact } from '../src/domain/facts.js';
import { DEFAULT_RULES } from '../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../src/domain/rules/decide.js';
import { ReferenceEvaluator } from '../test/support/reference-decide.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const ZONE = 'Asia/Shanghai';

/** A city's mix of residents: mostly green with a recent declaration, some back from a risk area, some with symptoms and check-ins. */
export function residentMix(n: number): ResidentFacts[] {
  const out: ResidentFacts[] = [];
  for (let i = 0; i < n; i += 1) {
    const base: ResidentFacts = {
      residentId: `r${i}`,
      region: '330110',
      registeredAt: NOW - 60 * DAY_MS,
      phoneVerifiedAt: NOW - 60 * DAY_MS,
      declarations: [{ at: NOW - (i % 5) * DAY_MS - 3 * HOUR_MS, symptoms: i % 10 === 3 ? ['dry_cough'] : [], temperature: 36.4 + (i % 7) * 0.2 }],
      stays: [],
      contacts: [],
      cases: [],
      tests: [],
      vaccinations: i % 3 === 0 ? [{ at: NOW - 90 * DAY_MS, dose: 2, courseDoses: 2, source: 'authority', recordedAt: NOW - 90 * DAY_MS }] : [],
      checkIns: [],
    };
    if (i % 10 === 1) base.stays.push({ region: '420106', country: null, arrival: NOW - 8 * DAY_MS, departure: NOW - 6 * DAY_MS, source: 'declaration', recordedAt: NOW - 5 * DAY_MS });
    if (i % 10 === 1 || i % 10 === 3) {
      for (let d = 1; d <= 3; d += 1) base.checkIns.push({ date: new Date(NOW - d * DAY_MS).toISOString().slice(0, 10), at: NOW - d * DAY_MS, symptoms: [], temperature: 36.5 });
    }
    if (i % 50 === 7) base.tests.push({ at: NOW - 2 * DAY_MS, result: 'positive', source: 'authority', recordedAt: NOW - 2 * DAY_MS });
    out.push(base);
  }
  return out;
}

export const BENCH_AREAS: RiskAreaFact[] = [
  { region: '420100', country: null, level: 'high', from: NOW - 10 * DAY_MS, to: null },
  { region: '310104', country: null, level: 'medium', from: NOW - 20 * DAY_MS, to: NOW - 2 * DAY_MS },
];

type Engine = Pick<RuleEvaluator, 'decide' | 'nextChange'>;

/** Decisions (with greenOn and valid-until) per second for `ms`, cycling through the residents. */
function rate(engine: Engine, residents: ResidentFacts[], ms: number): number {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    const facts = residents[n % residents.length]!;
    engine.decide(facts, BENCH_AREAS, NOW + (n % 1000) * 1000);
    engine.nextChange(facts, BENCH_AREAS, NOW + (n % 1000) * 1000);
    n += 1;
  }
  return n / ((performance.now() - started) / 1000);
}

/**
 * The decision engine alone, facts in memory, on one core: decisions (with greenOn and valid-until)
 * per second, beside the old engine (the oracle the tests compare it with) measured in the same run,
 * in alternating rounds so that a busy machine slows both alike.
 */
export function engineBench(): Record<string, number> {
  const ruleSet = { region: 'CN', version: 1, publishedAt: new Date(NOW).toISOString(), rules: DEFAULT_RULES };
  const engine = new RuleEvaluator(ruleSet, ZONE);
  const baseline = new ReferenceEvaluator(ruleSet, ZONE);
  const residents = residentMix(10_000);
  rate(engine, residents, 500);
  rate(baseline, residents, 500);
  const rounds = { engine: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < 3; round += 1) {
    rounds.baseline.push(rate(baseline, residents, 1500));
    rounds.engine.push(rate(engine, residents, 1500));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perSecond = Math.round(mean(rounds.engine));
  const baselinePerSecond = Math.round(mean(rounds.baseline));
  return {
    'decision_engine.decisions_per_second': perSecond,
    'decision_engine.baseline_decisions_per_second': baselinePerSecond,
    'decision_engine.ratio_to_baseline': Math.round((perSecond / baselinePerSecond) * 100) / 100,
    'decision_engine.aim_per_second': 20_000,
    'decision_engine.ratio_to_aim': Math.round((perSecond / 20_000) * 100) / 100,
  };
}
