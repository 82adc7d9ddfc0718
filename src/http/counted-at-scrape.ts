import { Counter, type CounterConfiguration } from 'prom-client';

/** One label set of a counter counted at scrape: `inc()` adds one. */
export interface CountedSeries {
  inc(): void;
}

/**
 * A prom-client Counter for events of every request (a code shown), counted in plain numbers and
 * told to the Counter when /metrics is read: prom-client checks and hashes the labels on each
 * `inc`, about a microsecond, for what is here one addition. Exact: whole numbers added up in any
 * grouping make the same sum (below 2^53), so every scrape reads what counting each event would.
 * `series(labels)` is made once for each label set, which starts at 0 as `inc(labels, 0)` would.
 */
export function countedAtScrape<T extends string>(config: Omit<CounterConfiguration<T>, 'collect'>): { counter: Counter<T>; series(labels: Partial<Record<T, string>>): CountedSeries } {
  const pending: { labels: Partial<Record<T, string>>; count: number }[] = [];
  const counter = new Counter<T>({
    ...config,
    collect() {
      for (const entry of pending) {
        if (entry.count === 0) continue;
        this.inc(entry.labels, entry.count);
        entry.count = 0;
      }
    },
  });
  return {
    counter,
    series(labels) {
      counter.inc(labels, 0);
      const entry = { labels, count: 0 };
      pending.push(entry);
      return {
        inc: () => {
          entry.count += 1;
        },
      };
    },
  };
}
