import { english, type MessageKey } from './messages/en.js';
import { simplified } from './messages/zh-CN.js';
import { traditional } from './messages/zh-Hant.js';

export type { MessageKey };

/**
 * The language switch, in the order it shows: adding a language is adding its file under messages/
 * and its name here (docs/development.md says how).
 */
export const LANGUAGES = [simplified, traditional, english] as const;

export type Lang = (typeof LANGUAGES)[number]['code'];

export const MESSAGES = Object.fromEntries(LANGUAGES.map((l) => [l.code, l.messages])) as Record<Lang, Readonly<Record<MessageKey, string>>>;

/**
 * The language for a browser that prefers `preferred` (navigator.languages, best first): the first
 * tag any language answers, by its longest matching prefix (zh-TW is Traditional, zh alone
 * Simplified); English when none does.
 */
export function chooseLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    let best: { code: Lang; length: number } | undefined;
    for (const language of LANGUAGES) {
      for (const prefix of language.navigator) {
        const matches = lower === prefix || lower.startsWith(`${prefix}-`);
        if (matches && prefix.length > (best?.length ?? 0)) best = { code: language.code, length: prefix.length };
      }
    }
    if (best) return best.code;
  }
  return english.code;
}

/**
 * The language to read a text the server keeps in two languages (a rule's description, a region's
 * name) in: Simplified Chinese for any Chinese, since the server's own texts have no other.
 */
export function textLang(lang: Lang): 'zh-CN' | 'en' {
  return lang === 'en' ? 'en' : 'zh-CN';
}

export function isLang(value: string | null): value is Lang {
  return LANGUAGES.some((l) => l.code === value);
}
