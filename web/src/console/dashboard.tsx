import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { COLOURS, sumShown, type ShownCount } from '../../../src/domain/index.js';
import { bearer, client, ok, type Answer } from '../shared/api.js';
import { ColourIcon } from '../shared/colour.js';
import { formatDateTime } from '../shared/format.js';
import { PlaceName } from '../shared/region-picker.js';
import { useLang, useT } from '../shared/i18n.js';
import type { StaffSession } from '../shared/staff-session.js';
import { useShown } from '../shared/shown-count.js';
import { Card, ErrorNotice } from '../shared/ui.js';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

const HUES: Record<string, string> = { green: '#1b8a3c', yellow: '#d9a400', red: '#c62828', gray: '#6b7280' };
// Each series also differs in dash and point shape, so the chart reads without telling hues apart.
const DASH: Record<string, number[]> = { green: [], yellow: [8, 4], red: [2, 3], gray: [12, 4, 2, 4] };
const POINT: Record<string, 'circle' | 'triangle' | 'rectRot' | 'rect'> = { green: 'circle', yellow: 'triangle', red: 'rectRot', gray: 'rect' };

/** What a chart draws of a count: the number, or a gap where it is not shown exactly. */
const plotted = (count: ShownCount): number | null => (typeof count === 'number' ? count : null);

/**
 * A chart, and the same figures as a table for screen readers and for reading exact numbers;
 * `texts` (per dataset, per row) says what the chart leaves a gap for.
 */
function ChartCanvas({ config, label, texts }: { config: ChartConfiguration; label: string; texts?: string[][] }): JSX.Element {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, config);
    return () => chart.destroy();
  }, [JSON.stringify(config.data)]);
  const labels = (config.data.labels ?? []) as string[];
  return (
    <>
      <div class="chart">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      <details class="chart-table">
        <summary>{t('dashboard.asTable')}</summary>
        <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
          <table class="table">
            <caption class="sr-only">{label}</caption>
            <thead>
              <tr>
                {/* The corner heads nothing: a data cell, not an empty header. */}
                <td />
                {config.data.datasets.map((d) => (
                  <th class="num">{d.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((row, i) => (
                <tr>
                  <th scope="row">{row}</th>
                  {config.data.datasets.map((d, j) => (
                    <td class="num">{texts?.[j]?.[i] ?? String(d.data[i] ?? '')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

export function DashboardView({ session }: { session: StaffSession }): JSX.Element {
  const t = useT();
  const lang = useLang();
  // The caller's own region: the districts offered to pick are its own, and no other.
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
  const shown = useShown(own?.smallCount ?? 5);
  const data = region ? picked : own;
  if (!own || !data) return <Card title={t('console.dashboard')}>{error ? <ErrorNotice error={error} /> : <p class="muted">{t('common.loading')}</p>}</Card>;
  const day = (d: string) => new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date(`${d}T12:00:00+08:00`));
  const hour = (h: string) => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' }).format(new Date(h));
  const totals = Object.fromEntries(COLOURS.map((c) => [c, sumShown(own.coloursByRegion.map((r) => r.counts[c]))])) as Record<(typeof COLOURS)[number], ShownCount>;
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
        </ul>
        <p class="muted small" data-testid="as-of">
          {t('dashboard.asOf', { time: formatDateTime(new Date(own.generatedAt).toISOString(), lang) })}
        </p>
        <p class="muted small" data-testid="small-counts">
          {t('dashboard.smallCounts', { k: own.smallCount })}
        </p>
      </Card>
      <Card title={t('dashboard.byRegion')}>
        <table class="table" data-testid="colours-by-region">
          <thead>
            <tr>
              <th>{t('dashboard.region')}</th>
              {COLOURS.map((c) => (
                <th class="num" title={t(`colour.${c}`)}>
                  <ColourIcon colour={c} size={20} />
                  <span class="sr-only">{t(`colour.${c}`)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {own.coloursByRegion.map((r) => (
              <tr class={region === r.region ? 'selected' : ''} onClick={() => setRegion(region === r.region ? '' : r.region)}>
                <td>
                  {/* A button, so a keyboard picks a district as a click does. */}
                  <button type="button" class="link" aria-pressed={region === r.region} onClick={(e) => (e.stopPropagation(), setRegion(region === r.region ? '' : r.region))}>
                    <PlaceName code={r.region} name={r.regionName} />
                  </button>{' '}
                  <code>{r.region}</code>
                </td>
                {COLOURS.map((c) => (
                  <td class={typeof r.counts[c] === 'number' ? 'num' : 'num muted'}>{shown(r.counts[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">{t('dashboard.pickRegion')}</p>
      </Card>
      <Card title={`${t('dashboard.overTime')}${region ? ` · ${own.coloursByRegion.find((r) => r.region === region)?.regionName ?? region}` : ''}`}>
        <ChartCanvas
          label={t('dashboard.overTime')}
          texts={COLOURS.map((c) => data.colourHistory.map((h) => shown(h.counts[c])))}
          config={{
            type: 'line',
            data: {
              labels: data.colourHistory.map((h) => day(h.date)),
              datasets: COLOURS.map((c) => ({ label: t(`colour.${c}`), data: data.colourHistory.map((h) => plotted(h.counts[c])), borderColor: HUES[c], backgroundColor: HUES[c], borderDash: DASH[c], pointStyle: POINT[c], pointRadius: 4 })),
            },
            options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
          }}
        />
      </Card>
      <Card title={t('dashboard.scansPerHour')}>
        <ChartCanvas
          label={t('dashboard.scansPerHour')}
          texts={[data.scansPerHour.map((h) => shown(h.scans)), data.scansPerHour.map((h) => shown(h.admitted))]}
          config={{
            type: 'bar',
            data: {
              labels: data.scansPerHour.map((h) => hour(h.hour)),
              datasets: [
                { label: t('dashboard.scans'), data: data.scansPerHour.map((h) => plotted(h.scans)), backgroundColor: '#2563eb' },
                { label: t('dashboard.admitted'), data: data.scansPerHour.map((h) => plotted(h.admitted)), backgroundColor: '#93c5fd' },
              ],
            },
            options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
          }}
        />
      </Card>
      <Card title={t('dashboard.quarantinesEnding')}>
        <ChartCanvas
          label={t('dashboard.quarantinesEnding')}
          texts={[data.quarantinesEnding.map((q) => shown(q.residents))]}
          config={{
            type: 'bar',
            data: { labels: data.quarantinesEnding.map((q) => day(q.date)), datasets: [{ label: t('dashboard.residents'), data: data.quarantinesEnding.map((q) => plotted(q.residents)), backgroundColor: '#1b8a3c' }] },
            options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
          }}
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
