import { createHarness } from './harness.js';
import { exportedNames, scrape } from './metrics-text.js';

/** Every metric name a freshly started app exports at /metrics (a declared family counts, with no sample yet). */
export async function namesTheAppExports(): Promise<Set<string>> {
  const h = await createHarness('sqlite');
  try {
    return exportedNames(await scrape(await h.app()));
  } finally {
    await h.dispose();
  }
}

/** The healthcode metric names a PromQL expression reads. */
export const metricsIn = (expr: string): string[] => [...new Set(expr.match(/\bhealthcode_[a-z0-9_]+/g) ?? [])];
