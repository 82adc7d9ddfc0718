import { Converter } from 'opencc-js/t2cn';

/**
 * Rule texts are kept in Simplified (`zh-CN`) and English; the server converts them to Traditional
 * as it answers. An officer whose console reads 繁體 may type Traditional into the zh-CN field: sent
 * as typed, it would replace the Simplified text every 简体 reader sees. So the draft is sent with
 * its Chinese written as Simplified (OpenCC, `tw` to `cn`, the inverse of the server's conversion).
 */
const toCn = Converter({ from: 'tw', to: 'cn' });

/** A two-language text as the server keeps it: exactly `zh-CN` and `en`, both strings. */
function isLocalized(value: Record<string, unknown>): value is { 'zh-CN': string; en: string } {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof value['zh-CN'] === 'string' && typeof value.en === 'string';
}

/**
 * The draft with the `zh-CN` of every two-language text in it, at any depth, written in Simplified;
 * all else as it was. Copies what it changes and leaves the original untouched.
 */
export function withSimplified<T>(draft: T): T {
  if (Array.isArray(draft)) return draft.map((item: unknown) => withSimplified(item)) as T;
  if (typeof draft !== 'object' || draft === null) return draft;
  const record = draft as Record<string, unknown>;
  if (isLocalized(record)) return { 'zh-CN': toCn(record['zh-CN']), en: record.en } as T;
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, withSimplified(value)])) as T;
}
