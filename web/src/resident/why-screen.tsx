import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { causeText, sourceText } from '../shared/causes.js';
import { ColourBadge } from '../shared/colour.js';
import { formatDate, formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { evidenceRaw, evidenceText, evidenceWhen } from './evidence-words.js';
import { Card } from '../shared/ui.js';
import type { Session } from './session.js';
import type { CodeView } from './code-screen.js';
import { usePlaceNames, useRegionName } from '../shared/region-picker.js';

type HistoryEntry = Answer<'/api/v1/residents/{id}/decisions'>[number];
type FiredRule = CodeView['rules'][number];

function Evidence({ rule }: { rule: FiredRule }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const places = usePlaceNames(rule.evidence.map((e) => (e.detail as { region?: string | null }).region));
  return (
    <ul class="evidence">
      {rule.evidence.map((e) => (
        <li>
          {evidenceText(e, t, lang, places)}
          {e.source && e.source !== 'check-in' && <span class="muted"> · {t('why.source', { source: sourceText(e.source, t) })}</span>}
          {e.at && <span class="muted"> · {evidenceWhen(e, lang)}</span>}
        </li>
      ))}
    </ul>
  );
}

const CAME = ['stays', 'contacts', 'cases', 'tests', 'vaccinations'] as const;

/** A visitor's facts from their home operator: from whom, as of when, and which facts, in words. */
function FactsFrom({ from, region }: { from: NonNullable<CodeView['factsFrom']>; region: string }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const came = [...CAME.filter((k) => from.facts[k] > 0).map((k) => t(`why.came.${k}`, { n: from.facts[k] })), ...(from.facts.declaration ? [t('why.came.declaration')] : [])];
  return (
    <div class="facts-from" data-testid="why-facts-from">
      <p>{t('why.factsFrom', { operator: from.operatorName, time: formatDateTime(from.asOf, lang), region })}</p>
      <p>
        <strong>{t('why.factsCame', { operator: from.operatorName })}</strong>
      </p>
      <ul data-testid="why-facts-came">{came.length > 0 ? came.map((c) => <li>{c}</li>) : <li>{t('why.cameNothing')}</li>}</ul>
    </div>
  );
}

export function WhyScreen({ session, subjectId, code }: { session: Session; subjectId: string; code: CodeView }): JSX.Element {
  const t = useT();
  const regionName = useRegionName(code.ruleSet.region);
  const lang = useLang();
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  useEffect(() => {
    ok(client.GET('/api/v1/residents/{id}/decisions', { params: { path: { id: subjectId } }, headers: bearer(session.token) })).then(setHistory, () => setHistory([]));
  }, [subjectId]);
  return (
    <>
      <Card title={t('why.title')}>
        <div class="why-head">
          <ColourBadge colour={code.colour} />
          {code.colour !== 'green' && <p data-testid="why-green-on">{code.greenOn ? t('code.greenOn', { date: formatDate(code.greenOn, lang) }) : t('code.needsAction')}</p>}
        </div>
        {code.rules.length === 0 && <p>{t('why.noRules')}</p>}
        {code.rules.map((rule) => (
          <article class="rule" data-rule={rule.id}>
            <h3>
              <ColourBadge colour={rule.colour} /> {serverText(rule.description, lang)}
            </h3>
            {rule.clears ? (
              <>
                <p class="clears">
                  <strong>{t('why.clears')}</strong> {serverText(rule.clears, lang)}
                </p>
                <p>
                  <strong>{t('why.also')}</strong> {serverText(rule.howToClear, lang)}
                </p>
              </>
            ) : (
              <p>
                <strong>{t('why.howToClear')}</strong> {serverText(rule.howToClear, lang)}
              </p>
            )}
            {rule.checkIns && <p class="streak">{t('why.streak', { streak: rule.checkIns.streak, required: rule.checkIns.required })}</p>}
            <h4 class="evidence-title">{t('why.evidence')}</h4>
            <Evidence rule={rule} />
            <details class="rule-ref">
              <summary class="muted small">{t('why.ruleDetails')}</summary>
              <p class="muted small">{t('why.ruleRef', { id: rule.id, version: rule.version })}</p>
              <p class="muted small">{t('why.rawFacts')}</p>
              <ul class="muted small raw-facts">
                {rule.evidence.map((e) => (
                  <li>
                    <code>{evidenceRaw(e)}</code>
                  </li>
                ))}
              </ul>
            </details>
          </article>
        ))}
        {code.factsFrom && <FactsFrom from={code.factsFrom} region={regionName} />}
        <p class="muted small">
          {t('why.public', { region: regionName, version: code.ruleSet.version })} <a href="#/rules">{t('why.readRules')}</a>
        </p>
      </Card>
      <Card title={t('appeal.title')}>
        <p class="muted">{t('why.appealHint')}</p>
        <a class="button secondary wide" href="#/appeal" data-testid="why-appeal">
          {t('why.appeal')}
        </a>
      </Card>
      <Card title={t('why.history')}>
        <ol class="history">
          {history.map((h) => (
            <li>
              <ColourBadge colour={h.colour} /> <span>{formatDateTime(h.decidedAt, lang)}</span> <span class="muted">{causeText(h.cause, t)}</span>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
