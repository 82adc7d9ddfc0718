import type { Lang } from './messages.js';

/**
 * What a request asks for the Chinese the server writes (a printed card, a text message with a
 * one-time code), for someone working in `lang`: Traditional for a 繁體 reader; nothing otherwise,
 * so the server writes its default, Simplified (an English reader's card and text carry English
 * anyway).
 */
export function chineseScript(lang: Lang): { script?: 'zh-Hant' } {
  return lang === 'zh-Hant' ? { script: 'zh-Hant' } : {};
}
