import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shownCell, shownParts, shownSum, sumShown } from '../../src/domain/small-counts.js';

describe('a small count', () => {
  it('is shown as 1 to k-1 when below k', () => {
    assert.deepEqual(shownCell(1, 5), { atLeast: 1, atMost: 4 });
    assert.deepEqual(shownCell(4, 5), { atLeast: 1, atMost: 4 });
  });

  it('is shown exactly at k and above', () => {
    assert.equal(shownCell(5, 5), 5);
    assert.equal(shownCell(1280, 5), 1280);
  });

  it('is shown exactly when nobody is counted', () => {
    assert.equal(shownCell(0, 5), 0);
  });
});

describe('the parts of one group of residents', () => {
  it('are each a range, zeros too, when the group is smaller than k', () => {
    // Gongshu's only two residents are red: "0, 0, fewer than 5, 0" would say so of both.
    const hidden = { atLeast: 0, atMost: 4 };
    assert.deepEqual(shownParts([0, 0, 2, 0], 5), [hidden, hidden, hidden, hidden]);
  });

  it('are each shown as a count alone is when the group has k or more', () => {
    assert.deepEqual(shownParts([1280, 0, 3, 0], 5), [1280, 0, { atLeast: 1, atMost: 4 }, 0]);
  });

  it('are exact zeros when nobody is counted', () => {
    assert.deepEqual(shownParts([0, 0, 0, 0], 5), [0, 0, 0, 0]);
  });

  it('of a group under k tell nothing of which part anyone is in', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(4), { minLength: 2, maxLength: 6 }), (parts) => {
        fc.pre(parts.some((n) => n > 0));
        const shown = shownParts(parts, 5);
        // Every arrangement of the same few residents over the parts looks the same.
        assert.ok(parts.reduce((a, b) => a + b, 0) >= 5 || shown.every((c) => typeof c !== 'number' && c.atLeast === 0 && c.atMost === 4), JSON.stringify(shown));
      }),
    );
  });
});

describe('a sum of counts as shown', () => {
  it('is exact when every part is', () => {
    assert.equal(sumShown([120, 0, 35]), 155);
  });

  it('is the range its hidden parts allow', () => {
    // Xihu 120 red, Yuhang 1 red: Hangzhou's red is 121 to 124, not 121.
    assert.deepEqual(shownSum([120, 1], 5), { atLeast: 121, atMost: 124 });
  });

  it('never gives a hidden cell back by subtraction of the exact parts', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 12 }), fc.integer({ min: 2, max: 20 }), (cells, k) => {
        const total = shownSum(cells, k);
        const exactParts = cells.filter((n) => n === 0 || n >= k).reduce((a, b) => a + b, 0);
        const hidden = cells.filter((n) => n > 0 && n < k);
        // The total minus the parts shown is only what the hidden cells' ranges already say.
        const left = typeof total === 'number' ? { atLeast: total - exactParts, atMost: total - exactParts } : { atLeast: total.atLeast - exactParts, atMost: total.atMost - exactParts };
        assert.deepEqual(left, { atLeast: hidden.length, atMost: hidden.length * (k - 1) });
      }),
    );
  });
});
