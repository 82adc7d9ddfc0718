import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyHidden, barValue, highestShown, linePoint, rangeOf } from '../../web/src/console/shown-points.js';

describe("a dashboard chart's points", () => {
  it('draws an exact count at its value', () => {
    assert.equal(linePoint(121), 121);
    assert.equal(barValue(0), 0);
    assert.equal(rangeOf(121), null);
  });

  it("draws Yuhang's one red resident, shown as 1 to 4, as that range and not a gap", () => {
    assert.deepEqual(rangeOf({ atLeast: 1, atMost: 4 }), [1, 4]);
    assert.equal(linePoint({ atLeast: 1, atMost: 4 }), 2.5);
    assert.deepEqual(barValue({ atLeast: 1, atMost: 4 }), [1, 4]);
  });

  it("draws Hangzhou's red, 121 to 124, as a floating bar over it", () => {
    assert.deepEqual(barValue({ atLeast: 121, atMost: 124 }), [121, 124]);
  });

  it('says a chart has hidden counts when any series holds a range', () => {
    assert.equal(anyHidden([[5, 0], [0, { atLeast: 0, atMost: 4 }]]), true);
    assert.equal(anyHidden([[5, 0], [0, 12]]), false);
  });

  it("reaches the top of Hangzhou's range, 1 to 8, though every exact count is 5 or less", () => {
    assert.equal(highestShown([[5, 5], [0, { atLeast: 1, atMost: 8 }]]), 8);
    assert.equal(highestShown([[5, 2], [0, 0]]), 5);
  });
});
