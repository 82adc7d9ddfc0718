import { LRUCache } from 'lru-cache';
import { Converter, CustomConverter } from 'opencc-js/cn2t';

/**
 * Texts the server keeps in Simplified Chinese and English (rule descriptions, how to clear, the
 * reasons of overrides and corrections, region names) answered in Traditional Chinese too, so the
 * Traditional app shows none in Simplified. Converted on the way out, never stored: what was
 * decided stays exactly as stored in `zh-CN` and `en`.
 *
 * OpenCC, `cn` to `tw` (characters and Taiwan's variant forms, not Taiwan's words: its phrase
 * table turns 社区 into 社群, another meaning). The one phrase it gets wrong in these texts, 天后
 * (a goddess) where the rules mean "days after", is set right after it.
 */
const toTw = Converter({ from: 'cn', to: 'tw' });
const daysAfter = CustomConverter([['天后', '天後']]);

/** Few distinct texts (rule sets, regions), read on every code view: converted once each. */
const converted = new LRUCache<string, string>({ max: 5000 });

export function toTraditional(simplified: string): string {
  const known = converted.get(simplified);
  if (known !== undefined) return known;
  const text = daysAfter(toTw(simplified));
  converted.set(simplified, text);
  return text;
}

/** An object of the server's two-language texts: exactly `zh-CN` and `en`, both strings. */
function isLocalized(value: Record<string, unknown>): value is { 'zh-CN': string; en: string } {
  const keys = Object.keys(value);
  return keys.length === 2 && typeof value['zh-CN'] === 'string' && typeof value.en === 'string';
}

/**
 * The payload with `zh-Hant` beside every two-language text in it, at any depth. Copies what it
 * changes and leaves the rest (and the original) as it was.
 */
export function withTraditional<T>(payload: T): T {
  if (Array.isArray(payload)) {
    let changed = false;
    const items = payload.map((item: unknown) => {
      const next = withTraditional(item);
      changed ||= next !== item;
      return next;
    });
    return (changed ? items : payload) as T;
  }
  if (typeof payload !== 'object' || payload === null || Object.getPrototypeOf(payload) !== Object.prototype) return payload;
  const record = payload as Record<string, unknown>;
  if (isLocalized(record)) return { 'zh-CN': record['zh-CN'], 'zh-Hant': toTraditional(record['zh-CN']), en: record.en } as T;
  let copy: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(record)) {
    const next = withTraditional(value);
    if (next !== value) (copy ??= { ...record })[key] = next;
  }
  return (copy ?? payload) as T;
}
