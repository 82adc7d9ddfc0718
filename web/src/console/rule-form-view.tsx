import { serverText } from '../shared/server-text.js';
import { COLOURS, LIST_FACTS, SCALAR_FACTS, type Rule } from '../../../src/domain/index.js';
import type { JSX } from 'preact';
import { ColourBadge } from '../shared/colour.js';
import { useLang, useT } from '../shared/i18n.js';
import { Field } from '../shared/ui.js';
import { clearingWords } from './clearing-words.js';
import { InheritedRulesEditor } from './inherited-rules-editor.js';
import { clausesOf, conditionOf, operatorsFor, typeOf, type Clause, type Comparison, type Operator } from './rule-form.js';
import type { OverridingDraft } from './rule-overrides.js';

type Draft = OverridingDraft;

const NO_VALUE: Operator[] = ['is-true', 'is-false', 'not-empty'];

function ComparisonRow({ value, facts, list, onChange, onRemove }: { value: Comparison; facts: string[]; list?: string; onChange: (c: Comparison) => void; onRemove?: () => void }): JSX.Element {
  const t = useT();
  const type = typeOf(value.fact, list) ?? 'text';
  const numeric = type === 'number' || type === 'number-or-null';
  return (
    <div class="clause-row">
      <select aria-label={t('rules.formFact')} value={value.fact} onChange={(e) => {
        const fact = e.currentTarget.value;
        const op = operatorsFor(typeOf(fact, list) ?? 'text')[0]!;
        onChange({ fact, op, value: NO_VALUE.includes(op) ? null : value.value });
      }}>
        {facts.map((f) => (
          <option value={f}>{f}</option>
        ))}
      </select>
      <select aria-label={t('rules.formOperator')} value={value.op} onChange={(e) => onChange({ ...value, op: e.currentTarget.value as Operator, value: NO_VALUE.includes(e.currentTarget.value as Operator) ? null : value.value })}>
        {operatorsFor(type).map((op) => (
          <option value={op}>{t(`rules.op.${op}` as 'rules.op.==')}</option>
        ))}
      </select>
      {!NO_VALUE.includes(value.op) &&
        (numeric ? (
          <input aria-label={t('rules.formValue')} type="number" value={value.value === null ? '' : String(value.value)} onInput={(e) => onChange({ ...value, value: Number(e.currentTarget.value) })} />
        ) : (
          <input aria-label={t('rules.formValue')} type="text" value={value.value === null ? '' : String(value.value)} onInput={(e) => onChange({ ...value, value: e.currentTarget.value })} />
        ))}
      {onRemove && (
        <button type="button" class="link" onClick={onRemove}>
          {t('rules.formRemove')}
        </button>
      )}
    </div>
  );
}

function ConditionEditor({ clauses, onChange }: { clauses: Clause[]; onChange: (c: Clause[]) => void }): JSX.Element {
  const t = useT();
  const set = (i: number, c: Clause) => onChange(clauses.map((x, j) => (j === i ? c : x)));
  const firstScalar = Object.keys(SCALAR_FACTS)[0]!;
  return (
    <fieldset class="clauses">
      <legend>{t('rules.formAnyOf')}</legend>
      {clauses.map((c, i) =>
        c.kind === 'fact' ? (
          <ComparisonRow value={c.test} facts={Object.keys(SCALAR_FACTS)} onChange={(test) => set(i, { kind: 'fact', test })} onRemove={clauses.length > 1 ? () => onChange(clauses.filter((_, j) => j !== i)) : undefined} />
        ) : (
          <div class="clause-list">
            <select aria-label={t('rules.formList')} value={c.list} onChange={(e) => {
              const list = e.currentTarget.value;
              const field = Object.keys(LIST_FACTS[list]!.item)[0]!;
              const op = operatorsFor(typeOf(field, list) ?? 'text')[0]!;
              set(i, { kind: 'list', list, where: [{ fact: field, op, value: null }] });
            }}>
              {Object.keys(LIST_FACTS).map((l) => (
                <option value={l}>{t('rules.formSome', { list: l })}</option>
              ))}
            </select>
            {c.where.map((w, k) => (
              <ComparisonRow
                value={w}
                facts={Object.keys(LIST_FACTS[c.list]?.item ?? {})}
                list={c.list}
                onChange={(next) => set(i, { ...c, where: c.where.map((x, m) => (m === k ? next : x)) })}
                onRemove={c.where.length > 1 ? () => set(i, { ...c, where: c.where.filter((_, m) => m !== k) }) : undefined}
              />
            ))}
            <button type="button" class="link" onClick={() => set(i, { ...c, where: [...c.where, { ...c.where[0]! }] })}>
              {t('rules.formAndField')}
            </button>
            {clauses.length > 1 && (
              <button type="button" class="link" onClick={() => onChange(clauses.filter((_, j) => j !== i))}>
                {t('rules.formRemove')}
              </button>
            )}
          </div>
        ),
      )}
      <button type="button" class="link" onClick={() => onChange([...clauses, { kind: 'fact', test: { fact: firstScalar, op: operatorsFor(SCALAR_FACTS[firstScalar]!.type)[0]!, value: null } }])}>
        {t('rules.formOrFact')}
      </button>
      <button type="button" class="link" onClick={() => onChange([...clauses, { kind: 'list', list: 'stays', where: [{ fact: 'riskLevel', op: '==', value: 'high' }] }])}>
        {t('rules.formOrList')}
      </button>
    </fieldset>
  );
}

/**
 * The draft rule set as a form over the published fact vocabulary: each rule's outcome, texts and
 * condition, and what the region does with the rules it inherits. It edits the same JSON the expert
 * view shows; a condition the form cannot show (nested and/or) stays editable there.
 */
export function RuleFormView({ draft, inherited, onDraft }: { draft: Draft; inherited: Rule[]; onDraft: (d: Draft) => void }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const update = (i: number, rule: Rule) => onDraft({ ...draft, rules: draft.rules.map((r, j) => (j === i ? rule : r)) });
  const addRule = () =>
    onDraft({
      ...draft,
      rules: [
        ...draft.rules,
        {
          id: `new-rule-${draft.rules.length + 1}`,
          version: 1,
          region: draft.region,
          validFrom: new Date().toISOString(),
          validTo: null,
          outcome: { colour: 'yellow', quarantineDays: 0, checkIns: { required: 2, onSymptoms: 'reset' } },
          description: { 'zh-CN': '', en: '' },
          howToClear: { 'zh-CN': '', en: '' },
          condition: conditionOf([{ kind: 'fact', test: { fact: 'declaration.fever', op: 'is-true', value: null } }]),
        },
      ],
    });
  return (
    <div class="rule-forms" data-testid="rule-form">
      {draft.rules.map((rule, i) => {
        const clauses = clausesOf(rule.condition);
        const text = (field: 'description' | 'howToClear', l: 'zh-CN' | 'en', value: string) => update(i, { ...rule, [field]: { ...rule[field], [l]: value } });
        return (
          <details class="rule-form" open={rule.id.startsWith('new-rule-')}>
            <summary>
              <ColourBadge colour={rule.outcome.colour} /> {serverText(rule.description, lang) || rule.id}
            </summary>
            <div class="row">
              <Field label={t('rules.formId')}>
                <input value={rule.id} onInput={(e) => update(i, { ...rule, id: e.currentTarget.value })} />
              </Field>
              <Field label={t('rules.formColour')}>
                <select value={rule.outcome.colour} onChange={(e) => update(i, { ...rule, outcome: { ...rule.outcome, colour: e.currentTarget.value as Rule['outcome']['colour'] } })}>
                  {COLOURS.map((c) => (
                    <option value={c}>{t(`colour.${c}`)}</option>
                  ))}
                </select>
              </Field>
              <Field label={t('rules.formDays')}>
                <input type="number" min={0} max={28} value={rule.outcome.quarantineDays} onInput={(e) => update(i, { ...rule, outcome: { ...rule.outcome, quarantineDays: Number(e.currentTarget.value) } })} />
              </Field>
              <Field label={t('rules.formCheckIns')} hint={t('rules.formCheckInsHint')}>
                <input
                  type="number"
                  min={0}
                  max={28}
                  value={rule.outcome.checkIns?.required ?? 0}
                  onInput={(e) => {
                    const n = Number(e.currentTarget.value);
                    update(i, { ...rule, outcome: { ...rule.outcome, checkIns: n > 0 ? { required: n, onSymptoms: rule.outcome.checkIns?.onSymptoms ?? 'reset' } : null } });
                  }}
                />
              </Field>
            </div>
            <p class="muted small" data-testid="rule-clears">
              {t('rules.formClears')} {clearingWords(rule.outcome, lang)}
            </p>
            {(['zh-CN', 'en'] as const).map((l) => (
              <div class="row">
                <Field label={`${t('rules.formDescription')} (${l})`} hint={l === 'zh-CN' ? t('rules.formStoredSimplified') : undefined}>
                  <input name={`description-${l}`} value={rule.description[l]} onInput={(e) => text('description', l, e.currentTarget.value)} />
                </Field>
                <Field label={`${t('why.also')} (${l})`} hint={l === 'zh-CN' ? t('rules.formStoredSimplified') : undefined}>
                  <input name={`howToClear-${l}`} value={rule.howToClear[l]} onInput={(e) => text('howToClear', l, e.currentTarget.value)} />
                </Field>
              </div>
            ))}
            {clauses ? (
              <ConditionEditor clauses={clauses} onChange={(next) => update(i, { ...rule, condition: conditionOf(next) })} />
            ) : (
              <p class="muted small">{t('rules.formJsonOnly')}</p>
            )}
          </details>
        );
      })}
      <button type="button" class="secondary" data-testid="add-rule" onClick={addRule}>
        {t('rules.formAddRule')}
      </button>
      <InheritedRulesEditor inherited={inherited} draft={draft} onDraft={onDraft} />
    </div>
  );
}
