import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, it } from 'node:test';
import { testRedis, TEST_REDIS_URL } from '../support/redis.js';
import type { FastifyInstance } from 'fastify';
import type { SheddingLimits } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { describeOnEachEngine, UNLIMITED } from '../support/harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Memory marks nothing reaches, measured every 50 ms; the event-loop mark off, as a busy test machine would pass it. */
const CALM: SheddingLimits = { eventLoopDelayMs: 0, heapUsedBytes: 2 ** 40, rssBytes: 0, retryAfterSeconds: 3, sampleIntervalMs: 50 };
/** A heap mark of 1 byte: past it from the first measurement on, as a process near its memory limit. */
const SWAMPED: SheddingLimits = { ...CALM, heapUsedBytes: 1 };

describeOnEachEngine('shedding load past the marks', (h) => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });
  async function appWith(shedding: SheddingLimits): Promise<FastifyInstance> {
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: UNLIMITED, shedding } });
    apps.push(app);
    await app.ready();
    // The first measurement is taken one interval after start.
    await sleep(120);
    return app;
  }

  it('refuses requests at once with 503 problem+json, Retry-After and the measure that was passed', async () => {
    const app = await appWith(SWAMPED);
    const response = await app.inject({ method: 'GET', url: '/api/v1/venues' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.headers['retry-after'], '3');
    assert.equal(response.json().type, '/problems/overloaded');
    assert.match(response.json().detail, /^the service is overloaded \(heap \d+ MB, mark 0 MB\); try again in 3 s$/);
  });

  it('does nothing for a shed write: no code is sent', async () => {
    const app = await appWith(SWAMPED);
    const response = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: '13912340001' } });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(await h().ctx.stores.outbox.list(10, '+8613912340001'), []);
  });

  it("counts no shed request against the address's limit: 20 codes shed, then the address still gets its 10", async (t) => {
    const redis = await testRedis();
    if (!redis) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
    t.after(() => redis.disconnect());
    // Two processes sharing their counts: one swamped, one calm, as behind a load balancer.
    const limits = { ...UNLIMITED, signInCodesPerAddressPerMinute: 10 };
    const swamped = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits, shedding: SWAMPED, redis } });
    apps.push(swamped);
    const calm = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits, redis } });
    apps.push(calm);
    await swamped.ready();
    await sleep(120);
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const ask = (app: FastifyInstance, n: number) => app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: address, payload: { phone: `1391235${String(n).padStart(4, '0')}` } });
    for (let n = 0; n < 20; n++) assert.equal((await ask(swamped, n)).statusCode, 503);
    const answers = [];
    for (let n = 20; n < 31; n++) answers.push((await ask(calm, n)).statusCode);
    assert.deepEqual(answers, [...Array(10).fill(202), 429]);
  });

  it('still answers liveness and metrics, and reports the shedding in readiness', async () => {
    const app = await appWith(SWAMPED);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().type, '/problems/not-ready');
    assert.match(ready.json().detail, /^shedding load: heap \d+ MB, mark 0 MB$/);
  });

  it('serves and reports ready while no mark is passed', async () => {
    const app = await appWith(CALM);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/venues' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  });

  it('serves at once when just started, though start-up held the event loop past the mark', async () => {
    // The mark of a real deployment's ratio: 300 ms over a 100 ms measure.
    const shedding: SheddingLimits = { ...CALM, eventLoopDelayMs: 300, sampleIntervalMs: 100 };
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: UNLIMITED, shedding } });
    apps.push(app);
    // Start-up's own work (migrations, keys, compiling every route) holds the loop for a while.
    busy(800);
    await app.ready();
    // The first measures, taken now, hold that start-up: the loop was too busy to be measured at all.
    for (let i = 0; i < 6; i++) {
      await sleep(25);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200, ready.body);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/venues' })).statusCode, 200);
    }
  });

  it('still sheds a delay that comes once it is serving', async () => {
    const shedding: SheddingLimits = { ...CALM, eventLoopDelayMs: 300, sampleIntervalMs: 100 };
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: UNLIMITED, shedding } });
    apps.push(app);
    await app.ready();
    await sleep(300);
    for (let i = 0; i < 4; i++) {
      busy(400);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const response = await app.inject({ method: 'GET', url: '/api/v1/venues' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().detail, /event-loop delay (\d+ ms|beyond measure \(the loop was held throughout\)), mark 300 ms/);
  });
});

/** Holds the event loop, as synchronous work does. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spinning
  }
}
