import type { Override, Rule } from '../../../src/domain/index.js';

/** A region's draft set: its own rules, and what it does to the rules it inherits. */
export interface OverridingDraft {
  region: string;
  rules: Rule[];
  overrides?: Override[];
}

/** What the draft does with an inherited rule: keeps it, replaces it with its own of the same id, or withdraws it. */
export type InheritedState = 'inherited' | 'replaced' | 'withdrawn';

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** The parsed draft if the form can show it (a region, rules with their texts, overrides with reasons), else null. */
export function asFormDraft(parsed: unknown): OverridingDraft | null {
  if (!isObject(parsed) || typeof parsed.region !== 'string' || !Array.isArray(parsed.rules)) return null;
  const rulesShaped = parsed.rules.every((r) => isObject(r) && isObject(r.outcome) && isObject(r.description) && isObject(r.howToClear));
  const overridesShaped = parsed.overrides === undefined || (Array.isArray(parsed.overrides) && parsed.overrides.every((o) => isObject(o) && typeof o.id === 'string' && isObject(o.reason)));
  return rulesShaped && overridesShaped ? (parsed as unknown as OverridingDraft) : null;
}

const EMPTY_REASON = { 'zh-CN': '', en: '' };

export function stateOf(draft: OverridingDraft, id: string): InheritedState {
  if (!(draft.overrides ?? []).some((o) => o.id === id)) return 'inherited';
  return draft.rules.some((r) => r.id === id) ? 'replaced' : 'withdrawn';
}

/** Keeps the override's reason when the rule was already replaced or withdrawn: the author's words survive a change of mind. */
function withOverride(draft: OverridingDraft, id: string): Override[] {
  const overrides = draft.overrides ?? [];
  return overrides.some((o) => o.id === id) ? overrides : [...overrides, { id, reason: EMPTY_REASON }];
}

/** Replaces an inherited rule with an own copy to edit, which publication requires a reason for. */
export function replaceInherited(draft: OverridingDraft, rule: Rule): OverridingDraft {
  const own = { ...rule, region: draft.region };
  return { ...draft, rules: [...draft.rules.filter((r) => r.id !== rule.id), own], overrides: withOverride(draft, rule.id) };
}

/** Withdraws an inherited rule here: it no longer applies in the region, for the reason given. */
export function withdrawInherited(draft: OverridingDraft, id: string): OverridingDraft {
  return { ...draft, rules: draft.rules.filter((r) => r.id !== id), overrides: withOverride(draft, id) };
}

/** Lets the inherited rule apply again: the override and any own rule of its id go. */
export function keepInherited(draft: OverridingDraft, id: string): OverridingDraft {
  return { ...draft, rules: draft.rules.filter((r) => r.id !== id), overrides: (draft.overrides ?? []).filter((o) => o.id !== id) };
}

export function setReason(draft: OverridingDraft, id: string, lang: 'zh-CN' | 'en', text: string): OverridingDraft {
  return { ...draft, overrides: (draft.overrides ?? []).map((o) => (o.id === id ? { ...o, reason: { ...o.reason, [lang]: text } } : o)) };
}
