import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shownText } from '../../web/src/shared/shown-text.js';

describe('a count as the console says it', () => {
  it('says an exact count as the number, grouped as the language writes it', () => {
    assert.equal(shownText(12_046, 5, 'en'), '12,046');
    assert.equal(shownText(0, 5, 'zh-CN'), '0');
  });

  it("says one district's hidden count as fewer than k, in each language", () => {
    assert.equal(shownText({ atLeast: 1, atMost: 4 }, 5, 'en'), 'fewer than 5');
    assert.equal(shownText({ atLeast: 0, atMost: 4 }, 5, 'zh-CN'), '少于 5');
    assert.equal(shownText({ atLeast: 1, atMost: 4 }, 5, 'zh-Hant'), '少於 5');
  });

  it('says a total holding a hidden count as the range it lies in', () => {
    assert.equal(shownText({ atLeast: 6, atMost: 9 }, 5, 'en'), '6 to 9');
    assert.equal(shownText({ atLeast: 1_200, atMost: 1_203 }, 5, 'zh-CN'), '1,200–1,203');
  });
});
