import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { TooManyRequestsError } from './service-errors.js';

/** Whether one more use fits its limit, and when the window that counts it ends. */
export interface LimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Limits a use case decides itself, where the HTTP layer cannot: what only the service knows (that an
 * SMS will really be sent; the venue behind a device). Each use is counted before the work it allows,
 * in one atomic step, so uses racing each other are counted one by one and none slips past the limit.
 * Fixed windows on the injected clock: a test moves the window by moving the clock.
 */
export interface RateLimiter {
  take(key: string, max: number, windowMs: number): Promise<LimitDecision>;
}

/** Counts one use of `key` and throws 429 with Retry-After when it is past `max` in its window. */
export async function spend(limiter: RateLimiter, key: string, max: number, windowMs: number, why: string): Promise<void> {
  const decision = await limiter.take(key, max, windowMs);
  if (!decision.allowed) throw new TooManyRequestsError(`${why}: try again in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
}

function window(clock: Clock, windowMs: number): { index: number; endsAt: number; now: number } {
  const now = clock.now().getTime();
  const index = Math.floor(now / windowMs);
  return { index, endsAt: (index + 1) * windowMs, now };
}

const decide = (count: number, max: number, endsAt: number, now: number): LimitDecision => ({
  allowed: count <= max,
  retryAfterSeconds: Math.max(1, Math.ceil((endsAt - now) / 1000)),
});

/** One process's counts, in memory: a count and its increment happen in one turn of the event loop. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #counts = new Map<string, { window: number; count: number; endsAt: number }>();
  #uses = 0;

  constructor(private readonly clock: Clock) {}

  async take(key: string, max: number, windowMs: number): Promise<LimitDecision> {
    const { index, endsAt, now } = window(this.clock, windowMs);
    const entry = this.#counts.get(key);
    const count = entry && entry.window === index ? ++entry.count : 1;
    if (count === 1) this.#counts.set(key, { window: index, count, endsAt });
    // Ended windows are forgotten now and then, so the map holds only live counts.
    if (++this.#uses % 1000 === 0) for (const [k, e] of this.#counts) if (e.endsAt <= now) this.#counts.delete(k);
    return decide(count, max, endsAt, now);
  }
}

/**
 * Counts shared by every process (HEALTHCODE_REDIS_URL): INCR is atomic in Redis, and the key of a
 * window expires after it. A Redis that does not answer lets the use through and is logged, as the
 * HTTP limits do, rather than locking everyone out.
 */
export class RedisRateLimiter implements RateLimiter {
  #lastLogged = 0;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly prefix = 'healthcode-limit-service:',
  ) {}

  async take(key: string, max: number, windowMs: number): Promise<LimitDecision> {
    const { index, endsAt, now } = window(this.clock, windowMs);
    const redisKey = `${this.prefix}${key}:${index}`;
    try {
      const results = await this.redis.multi().incr(redisKey).pexpire(redisKey, windowMs + 60_000).exec();
      const count = Number(results?.[0]?.[1]);
      if (!Number.isFinite(count)) throw new Error('no count from Redis');
      return decide(count, max, endsAt, now);
    } catch (error) {
      // One line a second at most: every request failing must not become a flood of logs.
      if (Date.now() - this.#lastLogged > 1000) {
        this.#lastLogged = Date.now();
        this.logger.warn({ err: { message: (error as Error).message }, limit: key.split(':')[0] }, 'Redis for request limits does not answer; this use is not counted');
      }
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }
}
