import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { RequestMetrics } from '../../src/http/request-metrics.js';

const DURATION = { name: 'healthcode_http_request_duration_seconds', help: 'HTTP request duration by method, route template and status', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] };
const TOTAL = { name: 'healthcode_http_requests_total', help: 'HTTP requests by method, route template and status' };

/** The obvious recording, as the app did it: prom-client's own Histogram and Counter, each told every request. */
function promClientRecording() {
  const registry = new Registry();
  const duration = new Histogram({ ...DURATION, labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const total = new Counter({ ...TOTAL, labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  return {
    registry,
    observe: (method: string, route: string, status: number, seconds: number) => {
      const labels = { method, route, status: String(status) };
      duration.observe(labels, seconds);
      total.inc(labels);
    },
  };
}

function fastRecording() {
  const registry = new Registry();
  const metrics = new RequestMetrics({ registry, duration: DURATION, total: TOTAL });
  return { registry, observe: metrics.observe.bind(metrics) };
}

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'other'),
  route: fc.oneof(fc.constantFrom('/api/v1/residents/:id/code', '/api/v1/sign-in/code', 'unmatched', '/docs/*'), fc.string()),
  status: fc.constantFrom(200, 201, 304, 400, 401, 404, 429, 500, 503),
  // Durations on and either side of the bounds, and far beyond them.
  seconds: fc.oneof(fc.constantFrom(0, ...DURATION.buckets), fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: 0, max: 60_000 }).map((ms) => ms / 1000)),
});
/** Requests, and now and then a scrape between them. */
const session = fc.array(fc.oneof({ weight: 8, arbitrary: request }, { weight: 1, arbitrary: fc.constant('scrape' as const) }), { maxLength: 200 });

describe('requests recorded for /metrics', () => {
  it('writes every scrape exactly as prom-client Histogram and Counter told of each request write it', async () => {
    await fc.assert(
      fc.asyncProperty(session, async (steps) => {
        const slow = promClientRecording();
        const fast = fastRecording();
        for (const step of [...steps, 'scrape' as const]) {
          if (step !== 'scrape') {
            slow.observe(step.method, step.route, step.status, step.seconds);
            fast.observe(step.method, step.route, step.status, step.seconds);
            continue;
          }
          assert.equal(await fast.registry.metrics(), await slow.registry.metrics());
          assert.deepStrictEqual(await fast.registry.getMetricsAsJSON(), await slow.registry.getMetricsAsJSON());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('adds up across workers as prom-client does (serve --workers N)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(request, { maxLength: 40 }), { minLength: 1, maxLength: 3 }), async (workers) => {
        const figures = async (make: () => ReturnType<typeof fastRecording>) =>
          Promise.all(
            workers.map(async (requests) => {
              const recording = make();
              for (const r of requests) recording.observe(r.method, r.route, r.status, r.seconds);
              return recording.registry.getMetricsAsJSON();
            }),
          );
        const [fast, slow] = await Promise.all([figures(fastRecording), figures(promClientRecording)]);
        assert.equal(await AggregatorRegistry.aggregate(fast).metrics(), await AggregatorRegistry.aggregate(slow).metrics());
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a duration that is not a number, as prom-client does', () => {
    for (const seconds of [Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => promClientRecording().observe('GET', '/api/v1/residents/:id/code', 200, seconds), { name: 'TypeError', message: `Value is not a valid number: ${seconds}` });
      assert.throws(() => fastRecording().observe('GET', '/api/v1/residents/:id/code', 200, seconds), { name: 'TypeError', message: `Value is not a valid number: ${seconds}` });
    }
  });
});
