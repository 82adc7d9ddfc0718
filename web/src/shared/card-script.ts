import type { Lang } from './messages.js';

/**
 * What a print asks for the card's Chinese, for someone working in `lang`: Traditional for a 繁體
 * reader; nothing otherwise, so the server prints its default, Simplified (an English reader's card
 * carries English lines anyway).
 */
export function cardScript(lang: Lang): { script?: 'zh-Hant' } {
  return lang === 'zh-Hant' ? { script: 'zh-Hant' } : {};
}
