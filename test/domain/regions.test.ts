import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRegionCode, regionAncestors, regionName, searchRegions } from '../../src/domain/regions.js';

describe('administrative divisions (GB/T 2260)', () => {
  it('knows Yuhang district of Hangzhou', () => {
    assert.equal(regionName('330110'), '浙江省 杭州市 余杭区');
  });
  it('finds a district by a word typed in Traditional through the converter it is given, and by the Simplified word as before', () => {
    // A converter that knows only 餘 → 余 stands in for OpenCC: the search trusts only what it is handed.
    const toSimplified = (w: string) => w.replaceAll('餘', '余');
    assert.equal(searchRegions('餘杭', 1, toSimplified)[0]?.code, '330110');
    assert.equal(searchRegions('余杭', 1, toSimplified)[0]?.code, '330110');
    assert.equal(searchRegions('杭州 餘杭', 1, toSimplified)[0]?.code, '330110');
  });
  it('keeps a word as typed when its converted form names nothing', () => {
    assert.equal(searchRegions('余杭', 1, () => '无此地名')[0]?.code, '330110');
  });
  it('knows prefecture and province codes', () => {
    assert.equal(isRegionCode('330100'), true);
    assert.equal(isRegionCode('330000'), true);
  });
  it('leaves the 市辖区 grouping out of a municipality district name', () => {
    assert.equal(regionName('110105'), '北京市 朝阳区');
  });
  it('knows Hong Kong, Macao and Taiwan', () => {
    assert.equal(isRegionCode('810000'), true);
    assert.equal(isRegionCode('820000'), true);
    assert.equal(isRegionCode('710000'), true);
  });
  it('rejects codes that do not exist or are not six digits', () => {
    for (const code of ['330199', '999999', '33011', '3301100', 'abcdef']) assert.equal(isRegionCode(code), false, code);
  });
  it('lists a district with its city and province', () => {
    assert.deepEqual(regionAncestors('330110'), ['330110', '330100', '330000']);
  });
});
