import type { MetricsExposition } from './metrics.js';

/**
 * /metrics is public and never shed, and gathering the figures costs some 35 times a health check
 * (database counts, and with workers every worker asked): twenty connections flooding it ran twenty
 * gatherings at once and cut a resident route to a third of its rate. Scrapes that arrive while one
 * is being gathered wait for it and share its answer, so a flood runs one gathering at a time, never
 * many. A scrape that arrives after one finished gathers afresh: counters are never served stale.
 */
export function sharedScrape(exposition: MetricsExposition): MetricsExposition {
  let inFlight: Promise<string> | undefined;
  return {
    get contentType() {
      return exposition.contentType;
    },
    metrics: () => {
      if (inFlight !== undefined) return inFlight;
      const gathering = exposition.metrics().finally(() => {
        inFlight = undefined;
      });
      inFlight = gathering;
      return gathering;
    },
  };
}
