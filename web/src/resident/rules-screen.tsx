import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { client, ok, type Answer } from '../shared/api.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { RegionLabel } from '../shared/region-picker.js';
import { Card, ErrorNotice } from '../shared/ui.js';

/**
 * The public rules, as a page anyone can read: what makes a code each colour, for how long, and how
 * it turns green again; which region published each rule, and every national or regional rule a
 * region below replaced, with its reason. The same rules the server decides by; the JSON is one
 * link away for experts.
 */
export function RulesScreen({ region }: { region: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [ruleSet, setRuleSet] = useState<Answer<'/api/v1/rules/effective'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    ok(client.GET('/api/v1/rules/effective', { params: { query: { region } } })).then(setRuleSet, setError);
  }, [region]);
  if (!ruleSet) return <Card title={t('rules.publicTitle')}>{error ? <ErrorNotice error={error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  const links = [...ruleSet.inherits, { region: ruleSet.region, version: ruleSet.version }];
  return (
    <Card title={t('rules.publicTitle')}>
      <p class="muted">{t('rules.publicIntro', { version: ruleSet.version, date: formatDate(ruleSet.publishedAt, lang) })}</p>
      {links.length > 1 && (
        <p class="muted small" data-testid="rule-chain">
          {t('rules.publicChain')}{' '}
          {links.map((link, i) => (
            <>
              {i > 0 && ' → '}
              <RegionLabel code={link.region} /> {t('rules.versionShort', { version: link.version })}
            </>
          ))}
        </p>
      )}
      {ruleSet.rules.map((rule) => (
        <article class="rule" data-rule={rule.id} data-region={rule.region}>
          <h3>
            <ColourBadge colour={rule.outcome.colour} /> {serverText(rule.description, lang)}
          </h3>
          {links.length > 1 && (
            <p class="rule-origin small">
              {t('rules.publishedBy')} <RegionLabel code={rule.region} />
            </p>
          )}
          <p class="clears">
            <strong>{t('why.clears')}</strong> {serverText(rule.clears, lang)}
          </p>
          <p>
            <strong>{t('why.also')}</strong> {serverText(rule.howToClear, lang)}
          </p>
          {rule.validTo && <p class="muted small">{t('rules.publicUntil', { date: formatDate(rule.validTo, lang) })}</p>}
        </article>
      ))}
      {ruleSet.overridden.length > 0 && (
        <section data-testid="rule-overrides">
          <h3>{t('rules.overriddenTitle')}</h3>
          <ul class="overrides">
            {ruleSet.overridden.map((o) => (
              <li data-rule={o.id}>
                <span>
                  <ColourBadge colour={o.replaced.outcome.colour} /> {serverText(o.replaced.description, lang)} <span class="muted">(<RegionLabel code={o.replaced.region} />)</span>
                </span>
                <br />
                <span>
                  {o.with ? t('rules.replacedBy') : t('rules.withdrawnBy')} <RegionLabel code={o.by} />
                </span>
                <br />
                <span class="muted">
                  {t('rules.because')} {serverText(o.reason, lang)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="muted small">
        <a href={`/api/v1/rules/effective?region=${encodeURIComponent(region)}`}>{t('rules.publicJson')}</a>
      </p>
    </Card>
  );
}
