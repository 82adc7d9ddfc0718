import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextSignInCodeAt, SIGN_IN_LIMITS } from '../../../src/domain/residents/sign-in-limits.js';

const MINUTE = 60_000;

describe('the wait before the next code to a phone', () => {
  it('is none for a phone sent nothing this hour', () => {
    assert.equal(nextSignInCodeAt([]), Number.NEGATIVE_INFINITY);
  });

  it('is a minute after each of the first two codes, then doubles', () => {
    const t = 1_000_000_000;
    assert.equal(nextSignInCodeAt([t]), t + MINUTE);
    assert.equal(nextSignInCodeAt([t, t - MINUTE]), t + MINUTE);
    assert.equal(nextSignInCodeAt([t, t - 1, t - 2]), t + 2 * MINUTE);
    assert.equal(nextSignInCodeAt([t, t - 1, t - 2, t - 3]), t + 4 * MINUTE);
  });

  it('never passes one code lifetime, however many a stranger asked for', () => {
    const t = 1_000_000_000;
    const many = Array.from({ length: 60 }, (_, i) => t - i * 1000);
    assert.equal(nextSignInCodeAt(many), t + SIGN_IN_LIMITS.longestWaitSeconds * 1000);
    assert.equal(SIGN_IN_LIMITS.longestWaitSeconds, 300);
  });

  it('bounds what one phone can be sent in an hour once the waits have grown', () => {
    // Asking as soon as allowed, from the fifth code on: one every 5 minutes.
    const sent: number[] = [];
    let now = 0;
    while (now < 2 * 60 * MINUTE) {
      const recent = sent.filter((at) => at > now - SIGN_IN_LIMITS.backoffWindowMs).reverse();
      now = Math.max(now, nextSignInCodeAt(recent));
      sent.push(now);
    }
    const secondHour = sent.filter((at) => at >= 60 * MINUTE && at < 120 * MINUTE).length;
    assert.ok(secondHour <= 12, `${secondHour} codes in an hour`);
  });
});
