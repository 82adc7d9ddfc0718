import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toSimplified } from '../../src/http/simplified-text.js';

describe('Traditional Chinese written as Simplified', () => {
  it('writes a place typed in Traditional as the server keeps its name: 餘杭區 as 余杭区', () => {
    assert.equal(toSimplified('浙江省 杭州市 餘杭區'), '浙江省 杭州市 余杭区');
  });

  it('leaves Simplified, Latin letters and digits as they are', () => {
    assert.equal(toSimplified('余杭 Yuhang 330110'), '余杭 Yuhang 330110');
  });
});
