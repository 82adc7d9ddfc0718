import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { COLOURS, sumShown, type ShownCount } from '../../../src/domain/index.js';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourIcon } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { useRegionName } from '../shared/region-picker.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { useShown } from '../shared/shown-count.js';
import { Card, ErrorNotice } from '../shared/ui.js';
import { ChartCanvas } from './dashboard-chart.js';
import { RegionsTable } from './dashboard-regions.js';

const HUES: Record<string, string> = { green: '#1b8a3c', yellow: '#d9a400', red: '#c62828', gray: '#6b7280', undecided: '#7c3aed' };
// Each series also differs in dash and point shape, so the chart reads without telling hues apart.
const DASH: Record<string, number[]> = { green: [], yellow: [8, 4], red: [2, 3], gray: [12, 4, 2, 4], undecided: [4, 4] };
const POINT: Record<string, 'circle' | 'triangle' | 'rectRot' | 'rect'> = { green: 'circle', yellow: 'triangle', red: 'rectRot', gray: 'rect', undecided: 'circle' };

export function DashboardView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  // The caller's own region: the cities and districts offered to pick are its own, and no other.
  const [own, setOwn] = useState<Answer<'/api/v1/dashboard'> | null>(null);
  const [picked, setPicked] = useState<Answer<'/api/v1/dashboard'> | null>(null);
  const [region, setRegion] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    ok(client.GET('/api/v1/dashboard', { params: { query: {} }, headers: bearer(session.token) })).then(setOwn, setError);
  }, []);
  useEffect(() => {
    setPicked(null);
    if (region) ok(client.GET('/api/v1/dashboard', { params: { query: { region } }, headers: bearer(session.token) })).then(setPicked, setError);
  }, [region]);
  const k = own?.smallCount ?? 5;
  const shown = useShown(k);
  const data = region ? picked : own;
  // Every section below names the region it counts, in the page's language.
  const place = useRegionName(data?.region ?? own?.region ?? 'CN');
  const ownPlace = useRegionName(own?.region ?? 'CN');
  if (!own || !data) return <Card title={t('console.dashboard')}>{error ? <ErrorNotice error={error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  const day = (d: string) => new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date(`${d}T12:00:00+08:00`));
  const hour = (h: string) => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }).format(new Date(h));
  const totals = Object.fromEntries(COLOURS.map((c) => [c, sumShown(own.coloursByRegion.map((r) => r.counts[c]))])) as Record<(typeof COLOURS)[number], ShownCount>;
  const undecided = sumShown(own.coloursByRegion.map((r) => r.undecided));
  const span = (dates: { date: string }[]) => ({ days: dates.length, from: day(dates[0]!.date), to: day(dates.at(-1)!.date) });
  const history = data.colourHistory;
  return (
    <>
      <Card title={t('dashboard.headline')}>
        <ul class="headline" data-testid="headline">
          {COLOURS.map((c) => (
            <li class={`headline-${c}`}>
              <ColourIcon colour={c} size={28} />
              <span class="headline-count">{shown(totals[c])}</span>
              <span class="headline-label">{t(`colour.${c}`)}</span>
            </li>
          ))}
          <li class="headline-undecided" title={t('dashboard.undecidedHelp')}>
            <span class="undecided-mark" aria-hidden="true">?</span>
            <span class="headline-count">{shown(undecided)}</span>
            <span class="headline-label">{t('dashboard.undecided')}</span>
          </li>
        </ul>
        <p class="muted small" data-testid="as-of">
          {t('dashboard.asOf', { time: formatDateTime(new Date(own.generatedAt).toISOString(), lang) })}
        </p>
        <p class="muted small" data-testid="small-counts">
          {t('dashboard.smallCounts', { k: own.smallCount })}
        </p>
      </Card>
      <Card title={t('dashboard.byRegion')}>
        <p class="muted small scope" data-testid="scope-regions">
          {t('dashboard.scopeRegions', { region: ownPlace })}
        </p>
        <RegionsTable own={own} picked={region} pick={setRegion} shown={shown} />
        <p class="muted small">{own.coloursByCity.length > 0 ? t('dashboard.pickCityOrDistrict') : t('dashboard.pickRegion')}</p>
      </Card>
      <Card title={t('dashboard.overTime')}>
        <p class="muted small scope" data-testid="scope-history">
          {t('dashboard.scopeHistory', { region: place, ...span(history) })}
        </p>
        <ChartCanvas
          kind="line"
          k={k}
          label={t('dashboard.overTime')}
          labels={history.map((h) => day(h.date))}
          series={[
            ...COLOURS.map((c) => ({ label: t(`colour.${c}`), counts: history.map((h) => h.counts[c]), hue: HUES[c]!, dash: DASH[c]!, point: POINT[c]! })),
            { label: t('dashboard.undecided'), counts: history.map((h) => h.undecided), hue: HUES.undecided!, dash: DASH.undecided!, point: POINT.undecided! },
          ]}
        />
      </Card>
      <Card title={t('dashboard.scansPerHour')}>
        <p class="muted small scope" data-testid="scope-scans">
          {t('dashboard.scopeScans', { region: place, to: formatDateTime(new Date(data.generatedAt).toISOString(), lang) })}
        </p>
        <ChartCanvas
          kind="bar"
          k={k}
          label={t('dashboard.scansPerHour')}
          labels={data.scansPerHour.map((h) => hour(h.hour))}
          series={[
            { label: t('dashboard.scans'), counts: data.scansPerHour.map((h) => h.scans), hue: '#2563eb' },
            { label: t('dashboard.admitted'), counts: data.scansPerHour.map((h) => h.admitted), hue: '#0e7490' },
          ]}
        />
      </Card>
      <Card title={t('dashboard.quarantinesEnding')}>
        <p class="muted small scope" data-testid="scope-quarantines">
          {t('dashboard.scopeQuarantines', { region: place, ...span(data.quarantinesEnding) })}
        </p>
        <ChartCanvas
          kind="bar"
          k={k}
          label={t('dashboard.quarantinesEnding')}
          labels={data.quarantinesEnding.map((q) => day(q.date))}
          series={[{ label: t('dashboard.residents'), counts: data.quarantinesEnding.map((q) => q.residents), hue: '#1b8a3c' }]}
        />
      </Card>
      <Card title={t('dashboard.oversight')}>
        <p class={data.appealsOverdue !== 0 ? 'overdue' : 'muted'} data-testid="appeals-overdue">
          {t('dashboard.appealsOverdue', { n: shown(data.appealsOverdue) })}
        </p>
        <h3>{t('dashboard.corrections')}</h3>
        {data.correctionsByStaff.length === 0 ? (
          <p class="muted">{t('dashboard.noCorrections')}</p>
        ) : (
          <ul class="list" data-testid="corrections-by-staff">
            {data.correctionsByStaff.map((c) => (
              <li>
                <span>{c.name}</span> <span class="muted">{t('dashboard.correctionsRow', { proposed: shown(c.proposed), approved: shown(c.approved) })}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
