import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { FixedClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { MemoryRateLimiter, RedisRateLimiter, spend, type RateLimiter } from '../../src/services/rate-limiter.js';
import { TooManyRequestsError } from '../../src/services/service-errors.js';

const HOUR = 3_600_000;
const silent = createLogger('silent');

/** The same attacks on a limiter in one process's memory and on one shared through Redis. */
function attacks(name: string, make: (clock: FixedClock) => Promise<RateLimiter | undefined>) {
  describe(`a rate limiter counting ${name}`, () => {
    it('lets exactly the limit through of 200 uses raced at once', async (t) => {
      const limiter = await make(new FixedClock('2026-11-20T10:00:00+08:00'));
      if (!limiter) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
      const key = `race:${randomUUID()}`;
      const decisions = await Promise.all(Array.from({ length: 200 }, () => limiter.take(key, 60, HOUR)));
      assert.equal(decisions.filter((d) => d.allowed).length, 60);
    });

    it('says when the window ends, and counts anew in the next', async (t) => {
      const clock = new FixedClock('2026-11-20T10:45:00+08:00');
      const limiter = await make(clock);
      if (!limiter) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
      const key = `window:${randomUUID()}`;
      await limiter.take(key, 1, HOUR);
      const refused = await limiter.take(key, 1, HOUR);
      assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 15 * 60 });
      await assert.rejects(spend(limiter, key, 1, HOUR, 'too many'), (e: unknown) => e instanceof TooManyRequestsError && e.retryAfterSeconds === 900 && /too many: try again in 900 s/.test(e.message));
      clock.advance(15 * 60_000);
      assert.equal((await limiter.take(key, 1, HOUR)).allowed, true);
    });

    it('keeps one key from using up another', async (t) => {
      const limiter = await make(new FixedClock('2026-11-20T10:00:00+08:00'));
      if (!limiter) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
      const [one, two] = [`a:${randomUUID()}`, `b:${randomUUID()}`];
      for (let i = 0; i < 3; i++) await limiter.take(one, 2, HOUR);
      assert.equal((await limiter.take(two, 2, HOUR)).allowed, true);
    });
  });
}

const clients: Redis[] = [];
after(() => {
  for (const c of clients) c.disconnect();
});
async function redis(): Promise<Redis | undefined> {
  const client = await testRedis();
  if (client) clients.push(client);
  return client;
}

attacks('in memory', async (clock) => new MemoryRateLimiter(clock));
attacks('through Redis', async (clock) => {
  const client = await redis();
  return client && new RedisRateLimiter(client, clock, silent);
});

describe('a rate limiter shared by several processes', () => {
  it('counts the uses of two processes together', async (t) => {
    const [a, b] = [await redis(), await redis()];
    if (!a || !b) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
    const clock = new FixedClock('2026-11-20T10:00:00+08:00');
    const [one, two] = [new RedisRateLimiter(a, clock, silent), new RedisRateLimiter(b, clock, silent)];
    const key = `shared:${randomUUID()}`;
    const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).take(key, 10, HOUR)));
    assert.equal(decisions.filter((d) => d.allowed).length, 10);
  });

  it('lets uses through, and says so, when Redis does not answer', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { connectTimeout: 200, maxRetriesPerRequest: 0, lazyConnect: true, enableOfflineQueue: false });
    clients.push(dead);
    dead.on('error', () => undefined);
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
    const limiter = new RedisRateLimiter(dead, new FixedClock('2026-11-20T10:00:00+08:00'), logger);
    assert.equal((await limiter.take('sms:all', 1, HOUR)).allowed, true);
    assert.equal((await limiter.take('sms:all', 1, HOUR)).allowed, true);
    assert.match(lines.join(''), /Redis for request limits does not answer/);
  });
});
