import type { Lang } from './messages.js';

/** A text the server keeps in two languages and answers in Traditional Chinese too (converted as it is sent). */
export interface ServerText {
  'zh-CN': string;
  'zh-Hant'?: string;
  en: string;
}

/**
 * The text in the app's language. Only a text made in the browser (a rule being drafted in the
 * console) lacks `zh-Hant`; it reads in Simplified Chinese, as before.
 */
export function serverText(text: ServerText, lang: Lang): string {
  return lang === 'zh-Hant' ? (text['zh-Hant'] ?? text['zh-CN']) : text[lang];
}
