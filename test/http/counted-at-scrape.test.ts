import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { countedAtScrape } from '../../src/http/counted-at-scrape.js';

const CONFIG = { name: 'healthcode_codes_shown_total', help: 'Health codes shown to residents', labelNames: ['colour', 'served_from'] as const };
const LABELS = [
  { colour: 'green', served_from: 'memory' },
  { colour: 'green', served_from: 'database' },
  { colour: 'yellow', served_from: 'memory' },
  { colour: 'red', served_from: 'database' },
];

/** Code views, and now and then a scrape between them; each view names one of LABELS. */
const session = fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: LABELS.length - 1 }) }, { weight: 1, arbitrary: fc.constant('scrape' as const) }), { maxLength: 300 });

describe('a counter counted at scrape', () => {
  it('reads at every scrape exactly what a prom-client Counter told of each event reads', async () => {
    await fc.assert(
      fc.asyncProperty(session, async (steps) => {
        const slowRegistry = new Registry();
        const slow = new Counter({ ...CONFIG, registers: [slowRegistry] });
        for (const labels of LABELS) slow.inc(labels, 0);
        const fastRegistry = new Registry();
        const fast = countedAtScrape({ ...CONFIG, registers: [fastRegistry] });
        const series = LABELS.map((labels) => fast.series(labels));
        for (const step of [...steps, 'scrape' as const]) {
          if (step !== 'scrape') {
            slow.inc(LABELS[step]!);
            series[step]!.inc();
            continue;
          }
          assert.equal(await fastRegistry.metrics(), await slowRegistry.metrics());
          assert.deepStrictEqual(await fastRegistry.getMetricsAsJSON(), await slowRegistry.getMetricsAsJSON());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('starts each series it is asked for at 0, so a rate exists from the first scrape', async () => {
    const registry = new Registry();
    countedAtScrape({ name: 'healthcode_code_cache_hits_total', help: 'Code views answered from memory', registers: [registry] }).series({});
    assert.match(await registry.metrics(), /^healthcode_code_cache_hits_total 0$/m);
  });
});
