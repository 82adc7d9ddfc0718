export interface RuleLike {
  id: string;
  [field: string]: unknown;
}

export interface RuleChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  /** For a changed rule: each field that differs, before and after, as JSON text. */
  fields: { field: string; before: string; after: string }[];
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
      .map((f) => ({ field: f, before: json(previous[f]), after: json(rule[f]) }));
    if (fields.length > 0) changes.push({ id: rule.id, change: 'changed', fields });
  }
  for (const id of old.keys()) changes.push({ id, change: 'removed', fields: [] });
  return changes;
}
