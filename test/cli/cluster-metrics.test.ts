import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClusterMetrics, METRICS_MESSAGES, workerMetrics } from '../../src/cli/cluster-metrics.js';
import type { MetricsExposition } from '../../src/http/metrics.js';
import { sampleValue } from '../support/metrics-text.js';

/** One worker's registry, with a metric of each kind /metrics holds, as installMetrics makes them. */
function workerRegistry(index: number) {
  const registry = new Registry();
  const requests = new Counter({ name: 'healthcode_http_requests_total', help: 'requests', labelNames: ['route'], registers: [registry] });
  const duration = new Histogram({ name: 'healthcode_http_request_duration_seconds', help: 'duration', buckets: [0.1, 1], registers: [registry] });
  const feedUp = new Gauge({ name: 'healthcode_change_feed_up', help: 'listener', labelNames: ['worker'], registers: [registry] });
  const queue = new Gauge({ name: 'healthcode_redecision_queue_depth', help: 'queue', aggregator: 'max', registers: [registry] });
  feedUp.set({ worker: String(index) }, 1);
  return { registry, requests, duration, feedUp, queue };
}

/**
 * A primary and its workers joined in memory as node:cluster joins them over IPC: each message is
 * delivered on a later turn, as a real channel's is.
 */
function cluster(count: number, timeoutMs = 2000) {
  const primary = new ClusterMetrics(timeoutMs);
  const workers = Array.from({ length: count }, (_, index) => {
    const own = workerRegistry(index);
    const listeners: ((message: unknown) => void)[] = [];
    let silent = false;
    const exposition: MetricsExposition = workerMetrics(own.registry, {
      send: (message) => setImmediate(() => primary.received(index, message)),
      onMessage: (listener) => listeners.push(listener),
    });
    const deliver = (message: unknown) => setImmediate(() => !silent && listeners.forEach((l) => l(message)));
    primary.joined({ index, send: deliver });
    return { ...own, index, exposition, deliver, hang: () => (silent = true) };
  });
  // What the primary does when a worker asks (cluster.ts): gathers, and answers the asker.
  for (const w of workers) {
    const answerAsks = (message: unknown) => {
      const m = message as { type?: string; id?: number };
      if (m.type !== METRICS_MESSAGES.ask) return;
      primary.gather().then(
        (text) => w.deliver({ type: METRICS_MESSAGES.answer, id: m.id, text }),
        (error: Error) => w.deliver({ type: METRICS_MESSAGES.answer, id: m.id, error: error.message }),
      );
    };
    const received = primary.received.bind(primary);
    primary.received = (index, message) => {
      received(index, message);
      if (index === w.index) answerAsks(message);
    };
  }
  return { primary, workers };
}

describe('the whole service\'s figures across workers', () => {
  it('adds up the requests each worker counted, whichever worker the scrape reaches', async () => {
    const { workers } = cluster(2);
    workers[0]!.requests.inc({ route: '/healthz' }, 3);
    workers[1]!.requests.inc({ route: '/healthz' }, 4);
    for (const w of workers) assert.equal(sampleValue(await w.exposition.metrics(), 'healthcode_http_requests_total', { route: '/healthz' }), 7);
  });

  it('adds up histograms bucket by bucket', async () => {
    const { workers } = cluster(2);
    workers[0]!.duration.observe(0.05);
    workers[1]!.duration.observe(0.5);
    const text = await workers[0]!.exposition.metrics();
    assert.equal(sampleValue(text, 'healthcode_http_request_duration_seconds_bucket', { le: '0.1' }), 1);
    assert.equal(sampleValue(text, 'healthcode_http_request_duration_seconds_bucket', { le: '1' }), 2);
    assert.equal(sampleValue(text, 'healthcode_http_request_duration_seconds_count'), 2);
  });

  it('keeps each worker\'s own state apart by its worker label', async () => {
    const { workers } = cluster(2);
    workers[1]!.feedUp.set({ worker: '1' }, 0);
    const text = await workers[0]!.exposition.metrics();
    assert.match(text, /^healthcode_change_feed_up\{worker="0"\} 1$/m);
    assert.match(text, /^healthcode_change_feed_up\{worker="1"\} 0$/m);
  });

  it('takes a figure of the shared database once, not once per worker', async () => {
    const { workers } = cluster(2);
    for (const w of workers) w.queue.set(5);
    assert.equal(sampleValue(await workers[0]!.exposition.metrics(), 'healthcode_redecision_queue_depth'), 5);
  });

  it('never goes back when a worker dies: its last counted requests stay in the sum', async () => {
    const { primary, workers } = cluster(2);
    workers[0]!.requests.inc({ route: '/healthz' }, 3);
    workers[1]!.requests.inc({ route: '/healthz' }, 4);
    assert.equal(sampleValue(await workers[0]!.exposition.metrics(), 'healthcode_http_requests_total', { route: '/healthz' }), 7);
    primary.left(1);
    // Its replacement starts from nothing, and counts on.
    const replacement = workerRegistry(1);
    primary.joined({ index: 1, send: (message) => setImmediate(async () => primary.received(1, { type: METRICS_MESSAGES.part, id: (message as { id: number }).id, figures: await replacement.registry.getMetricsAsJSON() })) });
    replacement.requests.inc({ route: '/healthz' }, 2);
    assert.equal(sampleValue(await workers[0]!.exposition.metrics(), 'healthcode_http_requests_total', { route: '/healthz' }), 9);
  });

  it('fails the scrape, naming the worker, when one does not send its figures: partial counters would read as a reset', async () => {
    const { workers } = cluster(2, 50);
    workers[1]!.hang();
    await assert.rejects(workers[0]!.exposition.metrics(), /worker 1 did not send its figures within 50 ms/);
  });

  it('finishes a gathering without a worker that dies during it', async () => {
    const { primary, workers } = cluster(2);
    workers[0]!.requests.inc({ route: '/healthz' }, 3);
    workers[1]!.hang();
    const scraped = workers[0]!.exposition.metrics();
    setImmediate(() => primary.left(1));
    assert.equal(sampleValue(await scraped, 'healthcode_http_requests_total', { route: '/healthz' }), 3);
  });

  it('ignores a part for a gathering it did not ask that worker for', async () => {
    const primary = new ClusterMetrics(2000);
    const own = workerRegistry(0);
    own.requests.inc({ route: '/healthz' }, 1);
    primary.joined({ index: 0, send: (m) => setImmediate(async () => primary.received(0, { type: METRICS_MESSAGES.part, id: (m as { id: number }).id, figures: await own.registry.getMetricsAsJSON() })) });
    primary.received(7, { type: METRICS_MESSAGES.part, id: 0, figures: await own.registry.getMetricsAsJSON() });
    assert.equal(sampleValue(await primary.gather(), 'healthcode_http_requests_total', { route: '/healthz' }), 1);
  });
});
