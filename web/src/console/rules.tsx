import { serverText } from '../shared/server-text.js';
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { ColourBadge, ColourTransitions } from '../shared/colour.js';
import { useShown } from '../shared/shown-count.js';
import { PreviewScope } from './preview-scope.js';
import { formatDateTime } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { Card, ErrorNotice, plainFieldMessage, useAction } from '../shared/ui.js';
import { diffOverrides, diffRules, shownValue, type OverrideLike, type RuleLike } from './rule-diff.js';
import { draftText, JsonDraftError, parseJsonDraft } from './json-draft.js';
import { RuleFormView } from './rule-form-view.js';
import { asFormDraft, type OverridingDraft } from './rule-overrides.js';
import type { Rule } from '../../../src/domain/index.js';
import { RegionLabel } from '../shared/region-picker.js';

type RuleSet = Answer<'/api/v1/rules'>['ruleSets'][number];
type EffectiveRuleSet = Answer<'/api/v1/rules/effective'>;
type Preview = Answer<'/api/v1/rules/preview', 'post'>;

function Diff({ before, after }: { before: RuleSet; after: RuleSet }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const changes = diffRules(before.rules, after.rules);
  const overrideChanges = diffOverrides(before.overrides, after.overrides);
  if (changes.length === 0 && overrideChanges.length === 0) return <p>{t('rules.noChanges')}</p>;
  // Texts in both languages read in the console's; conditions and outcomes stay JSON, as the rule holds them.
  const shown = (value: unknown) => shownValue(value, (text) => serverText(text, lang));
  return (
    <ul class="diff" data-testid="rule-diff">
      {changes.map((c) => (
        <li class={`diff-${c.change}`}>
          <strong>
            {c.change === 'added' ? '+' : c.change === 'removed' ? '−' : '~'} {c.id}
          </strong>{' '}
          <span class="muted">{t(`rules.change.${c.change}`)}</span>
          {c.fields.map((f) => (
            <div class="diff-field">
              <code>{f.field}</code>
              <pre class="before">{shown(f.before)}</pre>
              <pre class="after">{shown(f.after)}</pre>
            </div>
          ))}
        </li>
      ))}
      {overrideChanges.map((c) => (
        <li class={`diff-${c.change}`} data-override={c.id}>
          <strong>⇄ {c.id}</strong> <span class="muted">{t(`rules.overrideChange.${c.change}`)}</span>
          {c.before !== undefined && <pre class="before">{shown(c.before)}</pre>}
          {c.after !== undefined && <pre class="after">{shown(c.after)}</pre>}
        </li>
      ))}
    </ul>
  );
}

/** The rules a region inherits from the sets above it, and what its own set replaced or withdrew. */
function Inherited({ effective, region }: { effective: EffectiveRuleSet; region: string }): JSX.Element | null {
  const t = useT();
  const lang = useLang();
  const inherited = effective.rules.filter((r) => r.region !== region);
  if (inherited.length === 0 && effective.overridden.length === 0) return null;
  return (
    <details class="inherited" data-testid="inherited-rules">
      <summary>{t('rules.inherited', { n: inherited.length })}</summary>
      <ul class="overrides">
        {inherited.map((r) => (
          <li>
            <ColourBadge colour={r.outcome.colour} /> <span>{serverText(r.description, lang)}</span> <span class="muted">(<RegionLabel code={r.region} />)</span> <code class="muted">{r.id}</code>
          </li>
        ))}
        {effective.overridden.map((o) => (
          <li class="overridden">
            <s>{serverText(o.replaced.description, lang)}</s> <code class="muted">{o.id}</code> — {o.with ? t('rules.replacedBy') : t('rules.withdrawnBy')} <RegionLabel code={o.by} />: {serverText(o.reason, lang)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * What the server found wrong in a draft, each where it is: the notice above says "see below", and a
 * draft's problems (a rule's condition, the set as a whole) have no single field to stand beside.
 */
function DraftProblems({ error }: { error: unknown }): JSX.Element | null {
  const t = useT();
  if (!(error instanceof ApiError) || error.errors.length === 0) return null;
  return (
    <ul class="draft-problems" data-testid="draft-problems">
      {error.errors.map((e) => (
        <li>
          {e.field !== 'rules' && <code class="muted">{e.field}</code>} {plainFieldMessage(e.message, t)}
        </li>
      ))}
    </ul>
  );
}

/** The rules `region` inherits from above: those that govern it from higher up, and those it replaced or withdrew itself. */
function inheritedBy(effective: EffectiveRuleSet | null, region: string): Rule[] {
  if (!effective) return [];
  return [...effective.rules.filter((r) => r.region !== region), ...effective.overridden.filter((o) => o.by === region).map((o) => o.replaced)];
}

export function RulesView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  // An officer answering for one district opens on that district's rules: the national set is not theirs to publish.
  const [region, setRegion] = useState(session.region ?? 'CN');
  const [history, setHistory] = useState<RuleSet[]>([]);
  const [pair, setPair] = useState<[number, number] | null>(null);
  const [draft, setDraft] = useState('');
  // The draft's JSON is the one source; the form shows and edits it while it parses.
  const [view, setView] = useState<'form' | 'json'>('form');
  const [preview, setPreview] = useState<Preview | null>(null);
  const shown = useShown(preview?.smallCount ?? 5);
  const [published, setPublished] = useState<RuleSet | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [effective, setEffective] = useState<EffectiveRuleSet | null>(null);
  // A region with no set of its own yet inherits everything: its history is empty, its draft starts empty.
  const load = (r: string) =>
    Promise.all([ok(client.GET('/api/v1/rules', { params: { query: { region: r } } })).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? { ruleSets: [] as RuleSet[] } : Promise.reject(e))), ok(client.GET('/api/v1/rules/effective', { params: { query: { region: r } } }))]).then(
      ([{ ruleSets }, inherited]) => {
        setPreview(null);
        setPublished(null);
        setHistory(ruleSets);
        setEffective(inherited);
        setError(null);
        if (ruleSets.length > 1) setPair([ruleSets[1]!.version, ruleSets[0]!.version]);
        else setPair(null);
        const own = ruleSets[0];
        setDraft(draftText(own ? { region: own.region, rules: own.rules, ...(own.overrides && { overrides: own.overrides }) } : { region: r, rules: [], overrides: [] }));
      },
      (e: unknown) => {
        setHistory([]);
        setEffective(null);
        setError(e);
      },
    );
  useEffect(() => void load(region), []);
  // The draft is the officer's JSON, whatever it holds: the server checks it, naming the rule and path.
  const parseDraft = (): BodyOf<'/api/v1/rules'> => {
    try {
      return parseJsonDraft(draft) as BodyOf<'/api/v1/rules'>;
    } catch (error) {
      if (error instanceof JsonDraftError) throw new Error(t('rules.jsonError', { line: error.line, column: error.column, reason: error.reason }));
      throw error;
    }
  };
  // The draft as the form shows it, or why it cannot (it does not parse, or is not a rule set).
  let formDraft: OverridingDraft | null = null;
  let draftProblem: unknown = null;
  let parsed: BodyOf<'/api/v1/rules'> | null = null;
  try {
    parsed = parseDraft();
    formDraft = asFormDraft(parsed);
  } catch (error) {
    draftProblem = error;
  }
  // The converter's tables load only when a draft is sent, not with every console page.
  const simplifiedDraft = async () => (await import('./simplified-draft.js')).withSimplified(parseDraft());
  const runPreview = useAction(async () => {
    setPublished(null);
    setPreview(await ok(client.POST('/api/v1/rules/preview', { headers: bearer(session.token), body: await simplifiedDraft() })));
  });
  const publish = useAction(async () => {
    const saved = await ok(client.POST('/api/v1/rules', { headers: bearer(session.token), body: await simplifiedDraft() }));
    setPreview(null);
    // Said once the set is read again: reading it (as for any region loaded) clears the last word.
    await load(region);
    setPublished(saved);
  });
  const byVersion = (v: number) => history.find((h) => h.version === v);
  const current = history[0];
  // A draft that is the current version again: publishing it would only number the same rules anew.
  // Compared as drafts hold them: without the texts the server adds (Traditional, how a rule clears).
  const asDrafted = (set: unknown) => JSON.parse(draftText(set)) as { region: string; rules: RuleLike[]; overrides?: OverrideLike[] };
  const [was, now] = current !== undefined && parsed !== null ? [asDrafted(current), asDrafted(parsed)] : [null, null];
  const unchanged = was !== null && now !== null && now.region === was.region && diffRules(was.rules, now.rules).length === 0 && diffOverrides(was.overrides, now.overrides).length === 0;
  return (
    <>
      <Card title={t('rules.title')}>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void load(region);
          }}
        >
          <input aria-label={t('rules.regionCode')} value={region} onInput={(e) => setRegion(e.currentTarget.value.trim())} placeholder="CN / 330000 / 330100" />
          <button type="submit" class="secondary">
            {t('rules.load')}
          </button>
        </form>
        <ErrorNotice error={error} />
        {current ? (
          <>
            <p class="muted">{t('rules.current', { region: current.region, version: current.version, date: formatDateTime(current.publishedAt, lang) })}</p>
            <ul class="list">
              {current.rules.map((r) => (
                <li>
                  <ColourBadge colour={r.outcome.colour} /> <span>{serverText(r.description, lang)}</span> <code class="muted">{r.id}</code>
                </li>
              ))}
            </ul>
          </>
        ) : (
          effective && <p class="muted">{t('rules.noOwnSet', { region })}</p>
        )}
        {effective && <Inherited effective={effective} region={current?.region ?? region} />}
      </Card>
      {history.length > 1 && pair && (
        <Card title={t('rules.diff')}>
          <div class="row">
            {[0, 1].map((side) => (
              <select aria-label={t(side === 0 ? 'rules.diffFrom' : 'rules.diffTo')} value={pair[side]} onChange={(e) => setPair(side === 0 ? [Number(e.currentTarget.value), pair[1]] : [pair[0], Number(e.currentTarget.value)])}>
                {history.map((h) => (
                  <option value={h.version}>{t('rules.version', { version: h.version, date: formatDateTime(h.publishedAt, lang) })}</option>
                ))}
              </select>
            ))}
          </div>
          {byVersion(pair[0]) && byVersion(pair[1]) && <Diff before={byVersion(pair[0])!} after={byVersion(pair[1])!} />}
        </Card>
      )}
      {session.role === 'authority' && (
        <Card title={t('rules.edit')}>
          <p class="muted">{t('rules.editIntro')}</p>
          <div class="segmented" role="group" aria-label={t('rules.edit')}>
            <button type="button" class={view === 'form' ? 'active' : ''} aria-pressed={view === 'form'} onClick={() => setView('form')}>
              {t('rules.formView')}
            </button>
            <button type="button" class={view === 'json' ? 'active' : ''} aria-pressed={view === 'json'} onClick={() => setView('json')}>
              {t('rules.jsonView')}
            </button>
          </div>
          {view === 'form' && formDraft ? (
            <RuleFormView draft={formDraft} inherited={inheritedBy(effective, formDraft.region)} onDraft={(d) => (setDraft(draftText(d)), setPreview(null))} />
          ) : (
            <>
              {view === 'form' && <ErrorNotice error={draftProblem} />}
              <textarea class="code-editor" aria-label={t('rules.edit')} rows={16} spellcheck={false} value={draft} onInput={(e) => (setDraft(e.currentTarget.value), setPreview(null))} />
            </>
          )}
          <div class="row">
            <button type="button" class="secondary" data-testid="run-preview" onClick={() => void runPreview.run()} disabled={runPreview.busy}>
              {t('rules.preview')}
            </button>
            <button type="button" class="primary" onClick={() => void publish.run()} disabled={!preview || unchanged || publish.busy}>
              {t('rules.publish')}
            </button>
          </div>
          <ErrorNotice error={runPreview.error ?? publish.error} />
          <DraftProblems error={runPreview.error ?? publish.error} />
          {preview && (
            <div class="notice notice-info" data-testid="rule-preview">
              {unchanged && (
                <p data-testid="draft-unchanged">
                  <strong>{t('rules.unchanged', { version: current?.version ?? 0 })}</strong>
                </p>
              )}
              <p>
                <strong>{preview.wouldChange === 0 ? t('rules.impactNone', { evaluated: shown(preview.evaluated) }) : t('rules.impact', { n: shown(preview.wouldChange), evaluated: shown(preview.evaluated) })}</strong>
                {!preview.complete && <span> {t('rules.impactPartial')}</span>}
              </p>
              <ColourTransitions transitions={preview.transitions} smallCount={preview.smallCount} />
              {preview.undivided !== 0 && <p data-testid="preview-undivided">{t('preview.undivided', { n: shown(preview.undivided), k: preview.smallCount })}</p>}
              <PreviewScope counted={preview.counted} countedName={preview.countedName} smallCount={preview.smallCount} />
              <p class="small" data-testid="preview-inherits">
                {t('rules.previewInherits', {
                  inherited: preview.effective.rules.filter((r) => r.region !== preview.region).length,
                  own: preview.effective.rules.filter((r) => r.region === preview.region).length,
                  overridden: preview.effective.overridden.filter((o) => o.by === preview.region).length,
                })}
              </p>
            </div>
          )}
          {published && <div class="notice notice-ok">{t('rules.published', { version: published.version })}</div>}
        </Card>
      )}
    </>
  );
}
