import { DAY_MS, MINUTE_MS } from './clock.js';
import { toAlpha2 } from './countries.js';
import { FieldErrorCollector } from './field-errors.js';
import { isRegionCode } from './regions.js';
import { localDate } from './local-time.js';
import { MAX_TEMPERATURE_C, MIN_TEMPERATURE_C } from './body-temperature.js';
import { LOOKBACK_DAYS } from './declaration-window.js';

export { LOOKBACK_DAYS, localDate, MAX_TEMPERATURE_C, MIN_TEMPERATURE_C };

/** What a resident declares about the last 14 days. */

export const SYMPTOMS = ['fever', 'fatigue', 'dry_cough', 'stuffy_nose', 'runny_nose', 'sore_throat', 'diarrhoea'] as const;
export type Symptom = (typeof SYMPTOMS)[number];
export const CONTACT_KINDS = ['confirmed', 'suspected'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
/** Devices' clocks drift; a time this far ahead of ours is still "now". */
const FUTURE_ALLOWANCE_MS = 5 * MINUTE_MS;

export interface StayInput {
  region?: string | undefined;
  country?: string | undefined;
  arrival: string;
  departure?: string | null | undefined;
}
export interface ContactInput {
  kind: string;
  date: string;
}
export interface DeclarationInput {
  stays: StayInput[];
  contacts: ContactInput[];
  symptoms: string[];
  temperature?: number | null | undefined;
}

/** A place stayed in: a GB/T 2260 region inside China, or a country (ISO 3166 alpha-2) outside it. */
export type Place = { region: string } | { country: string };
export type Stay = Place & { arrival: number; departure: number | null };
export interface Contact {
  kind: ContactKind;
  /** Calendar date of the contact, YYYY-MM-DD in the service's time zone. */
  date: string;
}
export interface Declaration {
  stays: Stay[];
  contacts: Contact[];
  symptoms: Symptom[];
  temperature: number | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** No one alive arrived anywhere before this: an earlier date is a typo or an attack (year 0000). */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(1900, 0, 1);

function parseInstant(text: string): number | undefined {
  // Date.parse rolls 2026-02-30 over into March; the calendar date must exist as written.
  if (!ISO_INSTANT.test(text) || !isRealDate(text.slice(0, 10))) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function isRealDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}


function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Validates a declaration at `now`; throws InvalidInputError naming every offending field. */
export function checkDeclaration(input: DeclarationInput, now: Date, timeZone: string): Declaration {
  const errors = new FieldErrorCollector();
  const nowMs = now.getTime();
  const windowStart = nowMs - LOOKBACK_DAYS * DAY_MS;
  const stays: Stay[] = [];
  input.stays.forEach((stay, i) => {
    const at = `stays[${i}]`;
    let place: Place | undefined;
    if ((stay.region === undefined) === (stay.country === undefined)) {
      errors.add(at, 'give either region (a GB/T 2260 code) or country (ISO 3166), not both or neither');
    } else if (stay.region !== undefined) {
      if (isRegionCode(stay.region)) place = { region: stay.region };
      else errors.add(`${at}.region`, `'${stay.region}' is not a GB/T 2260 administrative division code`);
    } else if (stay.country !== undefined) {
      const alpha2 = toAlpha2(stay.country);
      if (alpha2 === undefined) errors.add(`${at}.country`, `'${stay.country}' is not an ISO 3166 country code`);
      else if (alpha2 === 'CN') errors.add(`${at}.country`, 'for places in China give the region code instead');
      else place = { country: alpha2 };
    }
    const arrival = parseInstant(stay.arrival);
    if (arrival === undefined) errors.add(`${at}.arrival`, 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-20T09:30:00+08:00');
    else if (arrival > nowMs + FUTURE_ALLOWANCE_MS) errors.add(`${at}.arrival`, 'is in the future');
    else if (arrival < EARLIEST_PLAUSIBLE_MS) errors.add(`${at}.arrival`, `must be after ${new Date(EARLIEST_PLAUSIBLE_MS).toISOString().slice(0, 10)}`);
    let departure: number | null = null;
    if (stay.departure !== undefined && stay.departure !== null) {
      const parsed = parseInstant(stay.departure);
      if (parsed === undefined) errors.add(`${at}.departure`, 'must be an ISO 8601 date-time with a time zone');
      else if (parsed > nowMs + FUTURE_ALLOWANCE_MS) errors.add(`${at}.departure`, 'is in the future');
      else if (arrival !== undefined && parsed < arrival) errors.add(`${at}.departure`, 'is before the arrival');
      else if (parsed < windowStart) errors.add(`${at}.departure`, `is more than ${LOOKBACK_DAYS} days ago; declare only recent stays`);
      else departure = parsed;
    }
    if (place && arrival !== undefined) stays.push({ ...place, arrival, departure });
  });

  const today = localDate(now, timeZone);
  const earliest = addDays(today, -LOOKBACK_DAYS);
  const contacts: Contact[] = [];
  input.contacts.forEach((contact, i) => {
    const at = `contacts[${i}]`;
    const kindOk = (CONTACT_KINDS as readonly string[]).includes(contact.kind);
    if (!kindOk) errors.add(`${at}.kind`, `must be one of ${CONTACT_KINDS.join(', ')}`);
    if (!isRealDate(contact.date)) errors.add(`${at}.date`, 'must be a calendar date YYYY-MM-DD');
    else if (contact.date > today) errors.add(`${at}.date`, 'is in the future');
    else if (contact.date < earliest) errors.add(`${at}.date`, `is more than ${LOOKBACK_DAYS} days ago`);
    else if (kindOk) contacts.push({ kind: contact.kind as ContactKind, date: contact.date });
  });

  const symptoms: Symptom[] = [];
  input.symptoms.forEach((symptom, i) => {
    if (!(SYMPTOMS as readonly string[]).includes(symptom)) errors.add(`symptoms[${i}]`, `must be one of ${SYMPTOMS.join(', ')}`);
    else if (!symptoms.includes(symptom as Symptom)) symptoms.push(symptom as Symptom);
  });

  let temperature: number | null = null;
  if (input.temperature !== undefined && input.temperature !== null) {
    if (!Number.isFinite(input.temperature) || input.temperature < MIN_TEMPERATURE_C || input.temperature > MAX_TEMPERATURE_C) {
      errors.add('temperature', `must be a body temperature between ${MIN_TEMPERATURE_C} and ${MAX_TEMPERATURE_C} °C`);
    } else temperature = Math.round(input.temperature * 10) / 10;
  }
  errors.throwIfAny();
  return { stays, contacts, symptoms, temperature };
}
