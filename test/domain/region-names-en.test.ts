import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { englishNameOf } from '../../src/domain/region-names-en.js';
import { regionName, regionNameEn, searchRegions } from '../../src/domain/regions.js';

const first = (query: string) => searchRegions(query, 1)[0]?.code;

describe('places found by English and pinyin names', () => {
  it('finds Yuhang, Wuchang and Shanghai as an English speaker types them', () => {
    assert.deepEqual([first('Yuhang'), searchRegions('wuchang').map((r) => r.code).includes('420106'), first('Shanghai')], ['330110', true, '310000']);
  });

  it('finds a district by its city and its own name together, in any case and spacing', () => {
    assert.equal(first('hangzhou YU HANG'), '330110');
  });

  it("puts the city Xi'an first for xian, before districts and counties whose names only start so", () => {
    assert.equal(first('xian'), '610100');
  });

  it('still finds places by their Chinese names and codes', () => {
    assert.deepEqual([first('武昌'), first('330110')], ['420106', '330110']);
  });

  it('names a division in English from the division up', () => {
    assert.equal(regionNameEn('330110'), 'Yuhang District, Hangzhou, Zhejiang');
    assert.equal(regionNameEn('420106'), 'Wuchang District, Wuhan, Hubei');
  });

  it('reads polyphonic place names right: Chongqing, Changsha, Lu’an, Xiamen', () => {
    assert.deepEqual(['重庆市', '长沙市', '六安市', '厦门市'].map(englishNameOf), ['Chongqing', 'Changsha', "Lu'an", 'Xiamen']);
  });

  it('uses official English names where they are not pinyin', () => {
    assert.deepEqual(['陕西省', '内蒙古自治区', '西藏自治区', '香港特别行政区', '哈尔滨市'].map(englishNameOf), ['Shaanxi', 'Inner Mongolia', 'Tibet', 'Hong Kong', 'Harbin']);
  });

  it('names an autonomous prefecture by its place, not its peoples', () => {
    assert.equal(englishNameOf('恩施土家族苗族自治州'), 'Enshi Autonomous Prefecture');
    assert.equal(englishNameOf('长阳土家族自治县'), 'Changyang Autonomous County');
  });

  it('leaves the dataset’s groupings (县, 市辖区) out of full names', () => {
    assert.equal(regionName('500229'), '重庆市 城口县');
    assert.equal(regionNameEn('500229'), 'Chengkou County, Chongqing');
  });
});
