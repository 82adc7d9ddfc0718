import { MINUTE_MS } from './clock.js';

/**
 * Calendar dates and wall-clock instants in a time zone. Intl formatting costs microseconds a call
 * and decisions make thousands, so answers are remembered: they are pure functions of their inputs.
 */

/** Building an Intl formatter costs far more than using one. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Remembered answers per time zone, forgotten wholesale past this many (they are cheap to redo). */
const MEMO_LIMIT = 50_000;

/**
 * A zone's offset changes only at instants that are whole quarter hours in UTC (every offset since
 * local mean time is a multiple of 15 minutes). The date of a quarter hour whose first and last
 * millisecond fall on the same date is that date throughout; any other is computed each time.
 */
const BUCKET_MS = 15 * MINUTE_MS;
const bucketDates = new Map<string, Map<number, string | null>>();
const wallInstants = new Map<string, Map<string, number>>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format;
}

function memoFor<K, V>(all: Map<string, Map<K, V>>, timeZone: string): Map<K, V> {
  let memo = all.get(timeZone);
  if (!memo) all.set(timeZone, (memo = new Map<K, V>()));
  if (memo.size >= MEMO_LIMIT) memo.clear();
  return memo;
}

/** The calendar date of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  const bucket = Math.floor(ms / BUCKET_MS);
  const memo = memoFor(bucketDates, timeZone);
  let date = memo.get(bucket);
  if (date === undefined) {
    const format = dateFormat(timeZone);
    const first = format.format(bucket * BUCKET_MS);
    date = first === format.format(bucket * BUCKET_MS + BUCKET_MS - 1) ? first : null;
    memo.set(bucket, date);
  }
  return date ?? dateFormat(timeZone).format(ms);
}

/** The instant of `hour`:00 local time on `date` in `timeZone`. */
export function localInstant(date: string, hour: number, timeZone: string): number {
  const memo = memoFor(wallInstants, timeZone);
  const key = `${date}T${hour}`;
  let instant = memo.get(key);
  if (instant === undefined) {
    instant = computeLocalInstant(date, hour, timeZone);
    memo.set(key, instant);
  }
  return instant;
}

function computeLocalInstant(date: string, hour: number, timeZone: string): number {
  const guess = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    clockFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(guess);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return guess - (shown - guess);
}

/** Unremembered versions, for tests that check the remembered ones give the same answers. */
export const uncached = {
  localDate: (instant: Date, timeZone: string) => dateFormat(timeZone).format(instant),
  localInstant: computeLocalInstant,
};
