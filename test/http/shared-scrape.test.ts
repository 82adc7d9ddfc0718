import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sharedScrape } from '../../src/http/shared-scrape.js';

/** An exposition that counts its gatherings and finishes each one when told. */
function countedExposition() {
  const pending: { resolve: (text: string) => void; reject: (error: Error) => void }[] = [];
  let gatherings = 0;
  return {
    exposition: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      metrics: () => {
        gatherings += 1;
        return new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
      },
    },
    gatherings: () => gatherings,
    finish: (text: string) => pending.shift()!.resolve(text),
    fail: (error: Error) => pending.shift()!.reject(error),
  };
}

describe('A scrape shared while it is gathered', () => {
  it('gathers once for twenty scrapes that arrive together, and answers each with the same figures', async () => {
    const source = countedExposition();
    const shared = sharedScrape(source.exposition);
    const flood = Array.from({ length: 20 }, () => shared.metrics());
    source.finish('healthcode_codes_shown_total{colour="green",served_from="memory"} 7\n');
    const answers = await Promise.all(flood);
    assert.equal(source.gatherings(), 1);
    assert.deepEqual(new Set(answers), new Set(['healthcode_codes_shown_total{colour="green",served_from="memory"} 7\n']));
  });

  it('gathers afresh for a scrape that arrives after the last one finished, so counters are never stale', async () => {
    const source = countedExposition();
    const shared = sharedScrape(source.exposition);
    const first = shared.metrics();
    source.finish('healthcode_decisions_made_total 1\n');
    assert.equal(await first, 'healthcode_decisions_made_total 1\n');
    const second = shared.metrics();
    source.finish('healthcode_decisions_made_total 2\n');
    assert.equal(await second, 'healthcode_decisions_made_total 2\n');
    assert.equal(source.gatherings(), 2);
  });

  it('does not keep a failed gathering: the next scrape tries again', async () => {
    const source = countedExposition();
    const shared = sharedScrape(source.exposition);
    const failed = shared.metrics();
    source.fail(new Error('worker 1 did not answer within 5 s'));
    await assert.rejects(failed, /worker 1 did not answer/);
    const retried = shared.metrics();
    source.finish('healthcode_change_feed_up{worker="1"} 1\n');
    assert.equal(await retried, 'healthcode_change_feed_up{worker="1"} 1\n');
  });

  it('keeps the content type of what it shares', () => {
    const source = countedExposition();
    assert.equal(sharedScrape(source.exposition).contentType, 'text/plain; version=0.0.4; charset=utf-8');
  });
});
