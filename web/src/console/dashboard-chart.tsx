import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration, type Plugin } from 'chart.js';
import type { ShownCount } from '../../../src/domain/index.js';
import { useT } from '../shared/i18n.js';
import { useShown } from '../shared/shown-count.js';
import { anyHidden, barValue, highestShown, linePoint, rangeOf } from './shown-points.js';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

/** One line or bar series: its counts as shown, and how it is told apart without its hue. */
export interface Series {
  label: string;
  counts: ShownCount[];
  hue: string;
  dash?: number[];
  point?: 'circle' | 'triangle' | 'rectRot' | 'rect';
}

/** Draws each hidden point of a line as the range it lies in: a bar from its low to its high end, capped. */
const rangeBars = (series: readonly Series[]): Plugin<'line'> => ({
  id: 'rangeBars',
  afterDatasetsDraw(chart) {
    const { ctx, scales } = chart;
    series.forEach((s, j) => {
      const meta = chart.getDatasetMeta(j);
      if (meta.hidden) return;
      s.counts.forEach((count, i) => {
        const range = rangeOf(count);
        const point = meta.data[i];
        if (!range || !point) return;
        const [top, bottom] = [scales.y!.getPixelForValue(range[1]), scales.y!.getPixelForValue(range[0])];
        ctx.save();
        ctx.strokeStyle = s.hue;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(point.x, top);
        ctx.lineTo(point.x, bottom);
        for (const y of [top, bottom]) (ctx.moveTo(point.x - 4, y), ctx.lineTo(point.x + 4, y));
        ctx.stroke();
        ctx.restore();
      });
    });
  },
});

/** A hue at a fifth of its strength, for a bar that is a range. */
const pale = (hue: string) => `${hue}33`;

/**
 * A chart whose hidden counts are drawn as ranges (a hollow point with a bar through it on a line, a
 * pale floating bar), a line under it saying what they mean, and the same figures as a table for
 * screen readers and for reading them in words.
 */
export function ChartCanvas({ kind, label, labels, series, k }: { kind: 'line' | 'bar'; label: string; labels: string[]; series: Series[]; k: number }): JSX.Element {
  const t = useT();
  const shown = useShown(k);
  const canvas = useRef<HTMLCanvasElement>(null);
  const texts = series.map((s) => s.counts.map(shown));
  useEffect(() => {
    const hidden = (s: Series) => s.counts.map((c) => typeof c !== 'number');
    const config =
      kind === 'line'
        ? ({
            type: 'line',
            data: {
              labels,
              datasets: series.map((s) => ({
                label: s.label,
                data: s.counts.map(linePoint),
                borderColor: s.hue,
                backgroundColor: s.hue,
                borderDash: s.dash ?? [],
                pointStyle: s.point ?? 'circle',
                pointRadius: hidden(s).map((h) => (h ? 5 : 4)),
                pointBackgroundColor: hidden(s).map((h) => (h ? '#ffffff' : s.hue)),
                pointBorderWidth: hidden(s).map((h) => (h ? 2 : 1)),
              })),
            },
            plugins: [rangeBars(series)],
          } satisfies ChartConfiguration<'line'>)
        : ({
            type: 'bar',
            data: {
              labels,
              datasets: series.map((s) => ({
                label: s.label,
                data: s.counts.map(barValue),
                backgroundColor: hidden(s).map((h) => (h ? pale(s.hue) : s.hue)),
                borderColor: s.hue,
                borderWidth: hidden(s).map((h) => (h ? 2 : 0)),
              })),
            },
          } satisfies ChartConfiguration<'bar', (number | [number, number])[]>);
    const chart = new Chart(canvas.current!, {
      ...config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, suggestedMax: highestShown(series.map((s) => s.counts)), ticks: { precision: 0 } } },
        // The tooltip says a range in words, as the table does, never the middle it is drawn at.
        plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${texts[item.datasetIndex]![item.dataIndex]}` } } },
      },
    } as ChartConfiguration);
    return () => chart.destroy();
  }, [kind, JSON.stringify(labels), JSON.stringify(series), texts.join()]);
  return (
    <>
      <div class="chart">
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      {anyHidden(series.map((s) => s.counts)) && (
        <p class="muted small chart-legend" data-testid="hidden-legend">
          {t('dashboard.hiddenLegend', { k })}
        </p>
      )}
      <details class="chart-table">
        <summary>{t('dashboard.asTable')}</summary>
        <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
          <table class="table">
            <caption class="sr-only">{label}</caption>
            <thead>
              <tr>
                {/* The corner heads nothing: a data cell, not an empty header. */}
                <td />
                {series.map((s) => (
                  <th class="num">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((row, i) => (
                <tr>
                  <th scope="row">{row}</th>
                  {series.map((_, j) => (
                    <td class="num">{texts[j]![i]}</td>
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
