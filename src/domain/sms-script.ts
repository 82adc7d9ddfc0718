/**
 * The script of a text's Chinese: Simplified, or Traditional for a resident whose app reads 繁體.
 * Asked with each one-time code, from the app in the language it shows, and remembered for the
 * resident's other texts once the code is used.
 */
export const SMS_SCRIPTS = ['zh-CN', 'zh-Hant'] as const;
export type SmsScript = (typeof SMS_SCRIPTS)[number];

/** A script as stored: anything else (a value written by hand, a column from before) reads as Simplified. */
export function smsScriptOf(stored: string | null | undefined): SmsScript {
  return stored === 'zh-Hant' ? 'zh-Hant' : 'zh-CN';
}
