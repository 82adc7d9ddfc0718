import { HOUR_MS } from '../clock.js';

/**
 * Limits on one-time codes. Guessing stays hopeless (of 10^6, 5 tries per code for whoever asked for
 * it, shown by its request ticket, and 5 for everyone else together; one address may try only so many
 * codes a phone an hour), and SMS bombing stays bounded (at most 12 codes an hour to a phone once the
 * waits have grown), yet strangers cannot use up the tries of a code its holder asked for, and the
 * wait between codes grows, but never past 5 minutes.
 */
export const SIGN_IN_LIMITS = {
  codeDigits: 6,
  /** Per code: for its asker (with the ticket), and again for everyone else together. */
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
export function nextSignInCodeAt(sentNewestFirst: readonly number[]): number {
  const newest = sentNewestFirst[0];
  if (newest === undefined) return Number.NEGATIVE_INFINITY;
  const doublings = Math.max(0, sentNewestFirst.length - 2);
  const waitSeconds = Math.min(SIGN_IN_LIMITS.resendAfterSeconds * 2 ** doublings, SIGN_IN_LIMITS.longestWaitSeconds);
  return newest + waitSeconds * 1000;
}
