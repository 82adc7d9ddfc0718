import { DAY_MS } from '../clock.js';
import type { CheckInRequirement, LocalizedText, RuleOutcome } from './rule-set.js';

/**
 * How a rule's colour clears, as far as its outcome decides it: the part of "how it clears" no
 * author writes, so that it cannot say 2 days where the engine applies 7. The rule's own
 * `howToClear` only adds what the outcome cannot say (who acts, what to do sooner).
 */
export type Clearing =
  /** A green outcome with a mark: nothing to clear. */
  | { kind: 'mark' }
  /** Time alone does not clear it: an action does (sign in, declare, the authority's decision). */
  | { kind: 'action' }
  /** It clears `days` after the last exposure, once the check-ins it asks for are clean. */
  | { kind: 'time'; days: number; checkIns: Pick<CheckInRequirement, 'required'> & Partial<Pick<CheckInRequirement, 'onSymptoms'>> | null };

/** Reads what the engine applies from an outcome (or a fired rule's copy of it). */
export function clearingOf(outcome: { colour: RuleOutcome['colour']; quarantineDays: number; checkIns: { required: number; onSymptoms?: CheckInRequirement['onSymptoms'] } | null }): Clearing {
  if (outcome.colour === 'green') return { kind: 'mark' };
  if (outcome.quarantineDays === 0 && outcome.checkIns === null) return { kind: 'action' };
  return { kind: 'time', days: outcome.quarantineDays, checkIns: outcome.checkIns && { required: outcome.checkIns.required, ...(outcome.checkIns.onSymptoms && { onSymptoms: outcome.checkIns.onSymptoms }) } };
}

/**
 * When the code would clear by this rule alone, if the last exposure ended at `exposureEnd` and
 * every daily check-in is clean: what the engine's greenOn must agree with. Null when waiting
 * does not clear it.
 */
export function clearsAt(clearing: Clearing, exposureEnd: number): number | null {
  return clearing.kind === 'time' ? exposureEnd + clearing.days * DAY_MS : null;
}

/** The clearing in words, both languages, from nothing but the clearing itself. */
export function clearingText(clearing: Clearing): LocalizedText {
  switch (clearing.kind) {
    case 'mark':
      return { 'zh-CN': '无需解除。', en: 'Nothing to clear.' };
    case 'action':
      return { 'zh-CN': '等待不会解除，需按下述办理后解除。', en: 'Waiting does not clear this; doing what is described here does.' };
    case 'time': {
      const { days, checkIns } = clearing;
      const zh: string[] = [];
      const en: string[] = [];
      if (days > 0 && checkIns) {
        zh.push(`自下列最后一次接触风险之日起满 ${days} 天，且最后连续 ${checkIns.required} 天每日打卡无症状后解除。`);
        en.push(`Clears ${days} days after your last exposure listed below, once your daily check-ins on the last ${checkIns.required} days are clean.`);
      } else if (days > 0) {
        zh.push(`自下列最后一次接触风险之日起满 ${days} 天后解除。`);
        en.push(`Clears ${days} days after your last exposure listed below.`);
      } else if (checkIns) {
        zh.push(`连续 ${checkIns.required} 天每日打卡无症状后解除。`);
        en.push(`Clears once your daily check-ins on ${checkIns.required} days in a row are clean.`);
      }
      if (checkIns?.onSymptoms === 'reset') {
        zh.push('打卡时有症状或发热，则重新计数。');
        en.push('A check-in with symptoms or a fever starts the count again.');
      } else if (checkIns?.onSymptoms === 'escalate') {
        zh.push('打卡时有症状或发热，将转为红码。');
        en.push('A check-in with symptoms or a fever turns the code red.');
      }
      return { 'zh-CN': zh.join(''), en: en.join(' ') };
    }
  }
}

/**
 * A rule with how it clears in words, as the public rules answer carries it: made on the server,
 * so the answer carries it in Traditional Chinese too (the browser holds no converter).
 */
export function withClears<R extends { outcome: Parameters<typeof clearingOf>[0] }>(rule: R): R & { clears: LocalizedText } {
  return { ...rule, clears: clearingText(clearingOf(rule.outcome)) };
}
