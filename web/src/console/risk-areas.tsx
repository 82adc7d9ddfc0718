import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { bearer, client, ok, type Answer, type BodyOf } from '../shared/api.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../shared/format.js';
import { useLang, useT } from '../shared/i18n.js';
import { PlaceName, RegionPicker } from '../shared/region-picker.js';
import type { StaffSession } from '../shared/staff-session.js';
import { ColourTransitions } from '../shared/colour.js';
import { useShown } from '../shared/shown-count.js';
import { PreviewScope } from './preview-scope.js';
import { Card, ErrorNotice, Field, fieldError, useAction } from '../shared/ui.js';

/** A new listing starts this far back by default: whoever was there in the days before is exposed too. */
const DEFAULT_LOOKBACK_MS = 14 * 86_400_000;

type Preview = Answer<'/api/v1/risk-areas/preview', 'post'>;
type RiskArea = Answer<'/api/v1/risk-areas'>[number];
type Level = BodyOf<'/api/v1/risk-areas'>['level'];

export function RiskAreasView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  const [areas, setAreas] = useState<RiskArea[]>([]);
  const [form, setForm] = useState({ where: 'region', region: '', country: '', level: 'high', from: isoToLocalInput(Date.now() - DEFAULT_LOOKBACK_MS), to: '' });
  const [outcome, setOutcome] = useState<Answer<'/api/v1/risk-areas', 'post'> | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const shown = useShown(preview?.smallCount ?? 5);
  const shownSaved = useShown(outcome?.smallCount ?? 5);
  // Counts saves: what saving would do changes once it is saved.
  const [saves, setSaves] = useState(0);
  const bodyOf = () => ({ ...(form.where === 'region' ? { region: form.region } : { country: form.country }), level: form.level as Level, from: localInputToIso(form.from), ...(form.to ? { to: localInputToIso(form.to) } : {}) });
  // What saving would do, shown as soon as the form says where and when (and again on each change).
  useEffect(() => {
    setPreview(null);
    const placed = form.where === 'region' ? /^\d{6}$/.test(form.region) : /^[A-Z]{2,3}$/.test(form.country);
    if (!placed || !form.from) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      ok(client.POST('/api/v1/risk-areas/preview', { headers: bearer(session.token), body: bodyOf(), signal: controller.signal })).then(setPreview, () => undefined);
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [form.where, form.region, form.country, form.level, form.from, form.to, saves]);
  const load = () => ok(client.GET('/api/v1/risk-areas')).then(setAreas, () => undefined);
  useEffect(() => void load(), []);
  const submit = useAction(async () => {
    setOutcome(await ok(client.POST('/api/v1/risk-areas', { headers: bearer(session.token), body: bodyOf() })));
    setSaves(saves + 1);
    await load();
  });
  const end = useAction(async (a: RiskArea) => {
    setOutcome(await ok(client.POST('/api/v1/risk-areas', { headers: bearer(session.token), body: { ...(a.region ? { region: a.region } : { country: a.country! }), level: a.level as Level, from: a.from, to: new Date().toISOString() } })));
    await load();
  });
  return (
    <>
      <Card title={t('risk.add')}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit.run();
          }}
        >
          <div class="segmented">
            <button type="button" class={form.where === 'region' ? 'active' : ''} onClick={() => setForm({ ...form, where: 'region' })}>
              {t('declare.inChina')}
            </button>
            <button type="button" class={form.where === 'country' ? 'active' : ''} onClick={() => setForm({ ...form, where: 'country' })}>
              {t('declare.abroad')}
            </button>
          </div>
          {form.where === 'region' ? (
            <Field label={t('risk.region')} error={fieldError(submit.error, 'region')}>
              <RegionPicker id="risk-region" value={form.region} onChange={(region) => setForm({ ...form, region })} />
            </Field>
          ) : (
            <Field label={t('declare.country')} error={fieldError(submit.error, 'country')}>
              <input maxLength={3} value={form.country} onInput={(e) => setForm({ ...form, country: e.currentTarget.value.toUpperCase() })} />
            </Field>
          )}
          <Field label={t('risk.level')}>
            <select name="level" value={form.level} onChange={(e) => setForm({ ...form, level: e.currentTarget.value })}>
              {['high', 'medium', 'low'].map((l) => (
                <option value={l}>{t(`risk.${l}` as 'risk.high')}</option>
              ))}
            </select>
          </Field>
          <div class="row">
            <Field label={t('risk.from')} error={fieldError(submit.error, 'from')}>
              <input type="datetime-local" name="from" required value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} />
            </Field>
            <Field label={t('risk.to')} hint={t('risk.toHint')} error={fieldError(submit.error, 'to')}>
              <input type="datetime-local" name="to" value={form.to} onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} />
            </Field>
          </div>
          {preview && (
            <div class="notice notice-info" role="status" data-testid="risk-preview">
              <p>
                <strong>{t('risk.preview', { residents: shown(preview.residents), changes: shown(preview.wouldChange) })}</strong>
                {!preview.complete && <span> {t('rules.impactPartial')}</span>}
              </p>
              {preview.residents !== 0 && preview.wouldChange === 0 && <p>{t('risk.previewNone')}</p>}
              <ColourTransitions transitions={preview.transitions} smallCount={preview.smallCount} />
              {preview.undivided !== 0 && <p data-testid="preview-undivided">{t('preview.undivided', { n: shown(preview.undivided), k: preview.smallCount })}</p>}
              <PreviewScope counted={preview.counted} countedName={preview.countedName} smallCount={preview.smallCount} />
            </div>
          )}
          <ErrorNotice error={submit.error} />
          <button class="primary" type="submit" disabled={submit.busy}>
            {t('risk.submit')}
          </button>
        </form>
        {outcome && (
          <div class="notice notice-ok" role="status" data-testid="risk-outcome">
            <p>{t('risk.outcome', { redecided: shownSaved(outcome.redecided), changes: shownSaved(outcome.colourChanges), notified: shownSaved(outcome.notified) })}</p>
            {outcome.undivided !== 0 && <p data-testid="outcome-undivided">{t('preview.undivided', { n: shownSaved(outcome.undivided), k: outcome.smallCount })}</p>}
            <PreviewScope counted={outcome.counted} countedName={outcome.countedName} smallCount={outcome.smallCount} />
          </div>
        )}
      </Card>
      <Card title={t('risk.listed')}>
        <ErrorNotice error={end.error} />
        <table class="table">
          <thead>
            <tr>
              <th>{t('risk.region')}</th>
              <th>{t('risk.level')}</th>
              <th>{t('risk.from')}</th>
              <th>{t('risk.to')}</th>
              <th>
                <span class="sr-only">{t('risk.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {areas.map((a) => (
              <tr>
                <td>{a.region ? <PlaceName code={a.region} name={a.regionName} /> : a.country}</td>
                <td>
                  <span class={`level level-${a.level}`}>{t(`risk.${a.level}` as 'risk.high')}</span>
                </td>
                <td>{formatDateTime(a.from, lang)}</td>
                <td>{a.to ? formatDateTime(a.to, lang) : t('risk.ongoing')}</td>
                <td>
                  {!a.to && (
                    <button type="button" class="link" onClick={() => void end.run(a)}>
                      {t('risk.end')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
