import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import type { Rule } from '../../../src/domain/index.js';
import { ColourBadge } from '../shared/colour.js';
import { useLang, useT } from '../shared/i18n.js';
import { RegionLabel } from '../shared/region-picker.js';
import { Field } from '../shared/ui.js';
import { keepInherited, replaceInherited, setReason, stateOf, withdrawInherited, type OverridingDraft } from './rule-overrides.js';

/**
 * The rules a region inherits, each with what the draft does with it: keep it, replace it with the
 * region's own (edited with the other rules), or withdraw it here. Replacing or withdrawing needs a
 * public reason in both languages; it is published beside the rule on the resident's rules page.
 */
export function InheritedRulesEditor({ inherited, draft, onDraft }: { inherited: Rule[]; draft: OverridingDraft; onDraft: (d: OverridingDraft) => void }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  if (inherited.length === 0) return null;
  return (
    <fieldset class="inherited-editor" data-testid="inherited-editor">
      <legend>{t('rules.formInherited', { n: inherited.length })}</legend>
      <ul class="list">
        {inherited.map((rule) => {
          const state = stateOf(draft, rule.id);
          const reason = draft.overrides?.find((o) => o.id === rule.id)?.reason;
          return (
            <li class="stacked" data-rule={rule.id} data-state={state}>
              <div>
                <ColourBadge colour={rule.outcome.colour} /> {state === 'withdrawn' ? <s>{serverText(rule.description, lang)}</s> : <span>{serverText(rule.description, lang)}</span>} <span class="muted">(<RegionLabel code={rule.region} />)</span> <code class="muted">{rule.id}</code>
              </div>
              {state === 'inherited' ? (
                <div class="row">
                  <button type="button" class="link" data-action="replace" onClick={() => onDraft(replaceInherited(draft, rule))}>
                    {t('rules.formReplace')}
                  </button>
                  <button type="button" class="link" data-action="withdraw" onClick={() => onDraft(withdrawInherited(draft, rule.id))}>
                    {t('rules.formWithdraw')}
                  </button>
                </div>
              ) : (
                <>
                  <p class="muted small">{t(state === 'replaced' ? 'rules.formReplacedNote' : 'rules.formWithdrawnNote')}</p>
                  <div class="row">
                    {(['zh-CN', 'en'] as const).map((l) => (
                      <Field label={`${t('rules.formReason')} (${l})`}>
                        <input name={`reason-${rule.id}-${l}`} value={reason?.[l] ?? ''} onInput={(e) => onDraft(setReason(draft, rule.id, l, e.currentTarget.value))} />
                      </Field>
                    ))}
                  </div>
                  <div class="row">
                    <button type="button" class="link" data-action="keep" onClick={() => onDraft(keepInherited(draft, rule.id))}>
                      {t('rules.formKeep')}
                    </button>
                  </div>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
