import { clearingOf, clearingText } from '../../../src/domain/rules/clearing.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RuleSet } from '../../../src/domain/rules/rule-set.js';
import { api } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { Card, ErrorNotice } from '../shared/ui.js';

/**
 * The public rules, as a page anyone can read: what makes a code each colour, for how long, and how
 * it turns green again. The same rules the server decides by; the JSON is one link away for experts.
 */
export function RulesScreen({ region }: { region: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [ruleSet, setRuleSet] = useState<RuleSet | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ ruleSets: RuleSet[] }>('GET', `/api/v1/rules?region=${encodeURIComponent(region)}`).then((r) => setRuleSet(r.ruleSets[0] ?? null), setError);
  }, [region]);
  if (!ruleSet) return <Card title={t('rules.publicTitle')}>{error ? <ErrorNotice error={error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  return (
    <Card title={t('rules.publicTitle')}>
      <p class="muted">{t('rules.publicIntro', { version: ruleSet.version, date: formatDate(ruleSet.publishedAt, lang) })}</p>
      {ruleSet.rules.map((rule) => (
        <article class="rule" data-rule={rule.id}>
          <h3>
            <ColourBadge colour={rule.outcome.colour} /> {rule.description[lang]}
          </h3>
          <p class="clears">
            <strong>{t('why.clears')}</strong> {clearingText(clearingOf(rule.outcome))[lang]}
          </p>
          <p>
            <strong>{t('why.also')}</strong> {rule.howToClear[lang]}
          </p>
          {rule.validTo && <p class="muted small">{t('rules.publicUntil', { date: formatDate(rule.validTo, lang) })}</p>}
        </article>
      ))}
      <p class="muted small">
        <a href={`/api/v1/rules?region=${encodeURIComponent(region)}`}>{t('rules.publicJson')}</a>
      </p>
    </Card>
  );
}
