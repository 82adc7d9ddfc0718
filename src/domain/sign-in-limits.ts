import { HOUR_MS } from './clock.js';

/**
 * Limits on one-time codes. Guessing stays hopeless (5 tries of 10^6 per code, and one address may
 * try only so many codes a phone an hour), and SMS bombing stays bounded (at most 12 codes an hour to
 * a phone once the waits have grown), yet nobody who asks codes for someone else's phone can keep its
 * holder out for longer than one code lives: the wait between codes grows, but never past 5 minutes.
 */
export const SIGN_IN_LIMITS = {
  codeDigits: 6,
  attemptsPerCode: 5,
  /** The first waits between codes to one phone. */
  resendAfterSeconds: 60,
  /** The longest wait between codes to one phone, however many were asked for: a code's lifetime. */
  longestWaitSeconds: 300,
  /** The codes counted for the wait: those of the last hour. */
  backoffWindowMs: HOUR_MS,
} as const;

/**
 * When a phone may be sent its next code, from when its codes of the last hour were sent (newest
 * first): a minute after each of the first two, then twice as long for each further one (2, 4
 * minutes), never longer than 5 minutes. A hard cap per hour would let a stranger who used it up keep
 * the holder out for the rest of the hour; a wait that grows bounds the SMS just as well.
 */
export function nextCodeAt(sentNewestFirst: readonly number[]): number {
  const newest = sentNewestFirst[0];
  if (newest === undefined) return Number.NEGATIVE_INFINITY;
  const doublings = Math.max(0, sentNewestFirst.length - 2);
  const waitSeconds = Math.min(SIGN_IN_LIMITS.resendAfterSeconds * 2 ** doublings, SIGN_IN_LIMITS.longestWaitSeconds);
  return newest + waitSeconds * 1000;
}
