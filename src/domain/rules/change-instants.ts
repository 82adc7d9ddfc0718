import * as clock from '../clock.js';
import type { ResidentFacts, RiskAreaFact } from '../facts.js';
import { localDate, localInstant } from '../local-time.js';

// Read once: under some module loaders (tsx, which `npm run bench` uses) every read of an imported binding is a call.
const { DAY_MS, HOUR_MS } = clock;

/** Projected daily check-ins are assumed at this local time. */
export const CHECK_IN_HOUR = 8;

/**
 * Every instant in (after, upTo] at which a resident's evaluation can change, and `upTo` itself: a
 * whole number of days after any fact, registration or verification (the ages rules read), an hour
 * after the arrival of an ongoing stay (its length), local midnight and the usual check-in hour
 * (today's check-in), and where a
 * risk area or a rule begins or ends (`ruleBounds`). Sorted, without repeats.
 */
export function changeInstants(facts: ResidentFacts, areas: RiskAreaFact[], ruleBounds: readonly number[], after: number, upTo: number, timeZone: string): number[] {
  const out = new Set<number>([upTo]);
  eachChangeInstant(facts, areas, ruleBounds, after, upTo, timeZone, (t) => out.add(t));
  return [...out].sort((a, b) => a - b);
}

/** Hands each of changeInstants' instants in (after, upTo] to `add`, in no order, some more than once. */
export function eachChangeInstant(facts: ResidentFacts, areas: RiskAreaFact[], ruleBounds: readonly number[], after: number, upTo: number, timeZone: string, add: (t: number) => void): void {
  // Loops written out, without local helper functions: this runs for every decision.
  for (const x of [facts.registeredAt, facts.phoneVerifiedAt, facts.identityVouchedAt, facts.identityRevokedAt]) if (x !== null && x !== undefined) daily(x, after, upTo, add);
  for (const d of facts.declarations) daily(d.at, after, upTo, add);
  for (const list of [facts.contacts, facts.cases, facts.tests, facts.vaccinations]) {
    for (const f of list) {
      daily(f.at, after, upTo, add);
      if (f.recordedAt > after && f.recordedAt <= upTo) add(f.recordedAt);
    }
  }
  for (const c of facts.checkIns) daily(c.at, after, upTo, add);
  for (const s of facts.stays) {
    daily(s.arrival, after, upTo, add);
    if (s.departure !== null) daily(s.departure, after, upTo, add);
    if (s.recordedAt > after && s.recordedAt <= upTo) add(s.recordedAt);
    if (s.departure === null) for (let t = s.arrival + Math.max(1, Math.ceil((after - s.arrival) / HOUR_MS)) * HOUR_MS; t <= upTo; t += HOUR_MS) if (t > after) add(t);
  }
  for (const a of areas) {
    if (a.from > after && a.from <= upTo) add(a.from);
    if (a.to !== null && a.to > after && a.to <= upTo) add(a.to);
  }
  for (const c of facts.corrections ?? []) {
    if (c.approvedAt > after && c.approvedAt <= upTo) add(c.approvedAt);
    if (c.endsAt > after && c.endsAt <= upTo) add(c.endsAt);
  }
  for (const t of ruleBounds) if (t > after && t <= upTo) add(t);
  for (const t of localDayInstants(after, timeZone)) if (t > after && t <= upTo) add(t);
}

/** The whole numbers of days after `x` in (after, upTo]: where an age in days read from `x` turns. */
function daily(x: number, after: number, upTo: number, add: (t: number) => void): void {
  for (let t = x + Math.max(0, Math.ceil((after - x) / DAY_MS)) * DAY_MS; t <= upTo; t += DAY_MS) if (t > after) add(t);
}

/**
 * Local midnight and the usual check-in hour (past which today's projected check-in moves to the
 * day's end, greenOn) on the three days from `after`'s. Remembered per instant: a batch of decisions
 * asks about one `now`.
 */
function localDayInstants(after: number, timeZone: string): number[] {
  let memo = dayInstantsMemo.get(timeZone);
  if (memo === undefined) dayInstantsMemo.set(timeZone, (memo = new Map()));
  // Keyed by the instant as a number, per zone: building a text key cost more than the lookup.
  return remembered(memo, after, () => {
    const out: number[] = [];
    for (let day = localDate(new Date(after), timeZone), i = 0; i < 3; i += 1, day = nextDate(day)) out.push(localInstant(day, 0, timeZone), localInstant(day, CHECK_IN_HOUR, timeZone));
    return out;
  });
}

const dayInstantsMemo = new Map<string, Map<number, number[]>>();
const nextDates = new Map<string, string>();

/** Pure answers kept while few: forgotten wholesale past a few thousand keys. */
export function remembered<K, V>(memo: Map<K, V>, key: K, make: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size >= 4096) memo.clear();
    memo.set(key, (value = make()));
  }
  return value;
}

export const nextDate = (date: string) => remembered(nextDates, date, () => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10));
