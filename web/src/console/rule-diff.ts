export interface RuleLike {
  id: string;
  [field: string]: unknown;
}

/** An inherited rule a set replaces or withdraws, and why. */
export interface OverrideLike {
  id: string;
  reason: unknown;
}

export interface RuleChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  /** For a changed rule: each field that differs, before and after. */
  fields: { field: string; before: unknown; after: unknown }[];
}

/** What changed in what a set does to the rules it inherits: an override added, ended, or its reason reworded. */
export interface OverrideChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** What changed between two versions of a rule set, rule by rule and field by field. */
export function diffRules(before: RuleLike[], after: RuleLike[]): RuleChange[] {
  const old = new Map(before.map((r) => [r.id, r]));
  const changes: RuleChange[] = [];
  for (const rule of after) {
    const previous = old.get(rule.id);
    if (!previous) {
      changes.push({ id: rule.id, change: 'added', fields: [] });
      continue;
    }
    old.delete(rule.id);
    const fields = [...new Set([...Object.keys(previous), ...Object.keys(rule)])]
      .filter((f) => f !== 'version' && json(previous[f]) !== json(rule[f]))
      .map((f) => ({ field: f, before: previous[f], after: rule[f] }));
    if (fields.length > 0) changes.push({ id: rule.id, change: 'changed', fields });
  }
  for (const id of old.keys()) changes.push({ id, change: 'removed', fields: [] });
  return changes;
}

/**
 * What changed between two versions in the inherited rules they replace or withdraw. Without it, a
 * version that only withdraws another national rule would compare as "no differences".
 */
export function diffOverrides(before: OverrideLike[] = [], after: OverrideLike[] = []): OverrideChange[] {
  const old = new Map(before.map((o) => [o.id, o]));
  const changes: OverrideChange[] = [];
  for (const override of after) {
    const previous = old.get(override.id);
    old.delete(override.id);
    if (!previous) changes.push({ id: override.id, change: 'added', after: override.reason });
    else if (json(previous.reason) !== json(override.reason)) changes.push({ id: override.id, change: 'changed', before: previous.reason, after: override.reason });
  }
  for (const [id, previous] of old) changes.push({ id, change: 'removed', before: previous.reason });
  return changes;
}

/** A text in both languages, as rules keep descriptions, reasons and how a rule clears. */
export function isLocalizedText(value: unknown): value is Record<'zh-CN' | 'en', string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>)['zh-CN'] === 'string' && typeof (value as Record<string, unknown>).en === 'string';
}

/** A field's value as an officer reads it: a two-language text in `say`'s words, anything else (a condition, an outcome) as JSON. */
export function shownValue(value: unknown, say: (text: Record<'zh-CN' | 'en', string>) => string): string {
  return isLocalizedText(value) ? say(value) : json(value);
}
