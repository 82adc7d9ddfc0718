import type { Lang } from './messages.js';

const TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Month, day and time only: for tables and evidence where the year is obvious. */
export function formatShort(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(new Date(iso.length === 10 ? `${iso}T12:00:00+08:00` : iso));
}

export function formatTime(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

/** Hours and minutes on a 24-hour clock ("08:12"): when something was done today. */
export function formatClock(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** A `datetime-local` input's value, read as Beijing time, to ISO 8601 with offset. */
export function localInputToIso(value: string): string {
  return value ? `${value.length === 16 ? `${value}:00` : value}+08:00` : '';
}

/** An instant as a `datetime-local` value in Beijing time, to the minute (seconds dropped). */
export function isoToLocalInput(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}
