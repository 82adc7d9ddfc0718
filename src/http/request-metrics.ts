import { Counter, type Metric, type Registry } from 'prom-client';

type Labels = { readonly method: string; readonly route: string; readonly status: string };

/** One method, route template and status: its requests' durations, as prom-client's Histogram keeps them. */
interface Series {
  readonly labels: Labels;
  /** Requests by the bucket they fell in (not cumulative), in the order of the bounds. */
  readonly inBucket: number[];
  sum: number;
  count: number;
  /** Of `count`, how many the counter of requests has been told. */
  counted: number;
}

export interface RequestMetricsOptions {
  registry: Registry;
  /** The histogram of durations (seconds). */
  duration: { name: string; help: string; buckets: readonly number[] };
  /** The counter of requests: the same requests, counted. */
  total: { name: string; help: string };
}

/**
 * Requests by method, route template and status: a histogram of their durations and a counter of
 * them, written at /metrics exactly as prom-client's Histogram and Counter write them (its own
 * Counter, told at each scrape). prom-client checks and hashes a request's labels once for each,
 * on every request; here a request is one Map look-up by its three values and a few additions, and
 * a histogram's count is the counter's value, so it is kept once.
 */
export class RequestMetrics {
  readonly #series = new Map<string, Series>();
  readonly #bounds: readonly number[];

  constructor({ registry, duration, total }: RequestMetricsOptions) {
    // In the order given, as prom-client takes them (it finds the first bound a value is within).
    this.#bounds = [...duration.buckets];
    registry.registerMetric(histogramMetric(duration.name, duration.help, this.#bounds, this.#series) as unknown as Metric);
    const series = this.#series;
    new Counter({
      name: total.name,
      help: total.help,
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
      collect() {
        for (const s of series.values()) {
          if (s.count === s.counted) continue;
          this.inc(s.labels, s.count - s.counted);
          s.counted = s.count;
        }
      },
    });
  }

  /** A request done: `seconds` it took. */
  observe(method: string, route: string, status: number, seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: { method, route, status: String(status) }, inBucket: this.#bounds.map(() => 0), sum: 0, count: 0, counted: 0 };
      this.#series.set(key, series);
    }
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i += 1) {
      if (seconds <= bounds[i]!) {
        series.inBucket[i]! += 1;
        break;
      }
    }
    series.sum += seconds;
    series.count += 1;
  }
}

/** What prom-client's Histogram answers a registry with (`getForPromString`, and `get` for JSON), from `series`. */
function histogramMetric(name: string, help: string, bounds: readonly number[], series: Map<string, Series>) {
  const forPromString = () => {
    const values: { labels: Record<string, unknown>; sharedLabels: Labels; value: number; metricName: string; exemplar: null | undefined }[] = [];
    for (const s of series.values()) {
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += s.inBucket[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: `${name}_bucket`, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${name}_bucket`, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${name}_count`, exemplar: undefined },
      );
    }
    return { name, help, type: 'histogram', values, aggregator: 'sum' };
  };
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    getForPromString: async () => forPromString(),
    // As prom-client's get(): each value's own labels with the series' labels after them.
    get: async () => {
      const metric = forPromString();
      return { ...metric, values: metric.values.map(({ sharedLabels, labels, ...value }) => ({ ...value, labels: { ...labels, ...sharedLabels } })) };
    },
    reset: () => series.clear(),
  };
}
