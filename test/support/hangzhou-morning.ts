import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { ResidentFacts, RiskAreaFact } from '../../src/domain/facts.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../src/domain/rules/decide.js';
import { verifiedResident } from './resident-facts.js';

/** The morning the rule-boundary tests decide at: Friday 20 November 2026, 10:00 in Hangzhou. */
export const NOW = Date.parse('2026-11-20T10:00:00+08:00');
export const TZ = 'Asia/Shanghai';
/** The national default rules, as version 1 publishes them. */
export const evaluator = new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: DEFAULT_RULES }, TZ);
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Wuchang, a high-risk area for the last 20 days and still. */
export const wuchangHighRisk: RiskAreaFact = { region: '420106', country: null, level: 'high', from: NOW - 20 * DAY_MS, to: null };

/** A verified resident who declared this morning; whatever else is given. */
export const resident = (extra: Partial<ResidentFacts> = {}) => verifiedResident(NOW, extra, { registeredDaysAgo: 60, declaredMsAgo: 2 * HOUR_MS });
