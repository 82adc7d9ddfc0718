import type { Colour } from '../colour.js';
import type { EvaluationData } from '../facts.js';
import { checkInEvidence, type Evidence, type Snapshot } from './evidence.js';
import type { LocalizedText, RuleOutcome } from './rule-set.js';

/**
 * A rule whose check-ins escalate turns red when a daily check-in within its quarantine has
 * symptoms or a fever. The red is then this rule's doing, so its reason must say so: the check-in
 * that raised it, its reading and day, before the words of the rule that set the quarantine.
 */

/** Where in the check-ins (as rules see them) are those that raise this outcome to red; empty when none does. */
export function escalatingCheckIns(outcome: RuleOutcome, checkIns: EvaluationData['checkIns']): number[] {
  if (outcome.checkIns?.onSymptoms !== 'escalate') return [];
  const window = Math.max(outcome.quarantineDays, 1);
  const found: number[] = [];
  checkIns.forEach((c, i) => {
    if (!c.clean && c.daysAgo < window) found.push(i);
  });
  return found;
}

const COLOUR_WORDS: Record<Colour, LocalizedText> = {
  green: { 'zh-CN': '绿码', en: 'green' },
  gray: { 'zh-CN': '灰码', en: 'gray' },
  yellow: { 'zh-CN': '黄码', en: 'yellow' },
  red: { 'zh-CN': '红码', en: 'red' },
};

/**
 * The reason of a rule raised to red, and its evidence: the raising check-ins first (the latest
 * named in the words), then what the rule itself cites, without citing a check-in twice.
 */
export function escalatedReason(from: Colour, description: LocalizedText, raising: number[], snapshot: Snapshot, evidence: Evidence[]): { description: LocalizedText; evidence: Evidence[] } {
  const cited = raising.map((i) => checkInEvidence(i, snapshot));
  const last = raising.reduce((a, b) => (snapshot.sources.checkIns[b]!.at > snapshot.sources.checkIns[a]!.at ? b : a));
  const latest = snapshot.sources.checkIns[last]!;
  const reading = snapshot.data.checkIns[last]!;
  const temperature = latest.temperature === null ? null : latest.temperature.toFixed(1);
  const hasSymptoms = latest.symptoms.length > 0;
  const zhWhat = reading.fever && hasSymptoms ? `发热（${temperature}°C）并有症状` : reading.fever ? `发热（${temperature}°C）` : '有症状';
  const enWhat = reading.fever && hasSymptoms ? `a fever (${temperature} °C) and symptoms` : reading.fever ? `a fever (${temperature} °C)` : 'symptoms';
  const was = COLOUR_WORDS[from];
  const seen = new Set(cited.map((e) => e.at));
  return {
    description: {
      'zh-CN': `您 ${latest.date} 的每日打卡报告${zhWhat}：隔离期间打卡有症状或发热，${was['zh-CN']}转为红码。${was['zh-CN']}的原因：${description['zh-CN']}`,
      en: `Your daily check-in on ${latest.date} reported ${enWhat}: during the quarantine, a check-in with symptoms or a fever turns the ${was.en} code red. The ${was.en} code's reason: ${description.en}`,
    },
    evidence: [...cited, ...evidence.filter((e) => !(e.fact === 'check-in' && seen.has(e.at)))],
  };
}
