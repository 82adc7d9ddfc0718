import { toAlpha2 } from '../countries.js';
import { FieldErrorCollector, InvalidInputError, type FieldError } from '../field-errors.js';
import { isRegionCode } from '../regions.js';
import { EARLIEST_PLAUSIBLE_MS } from '../declaration.js';

/**
 * Rows the health authority imports (cases, contacts, vaccinations, tests, travel records, risk
 * areas), validated one at a time so a bad row is reported and the good ones kept.
 */

export const IMPORT_KINDS = ['risk-areas', 'cases', 'contacts', 'vaccinations', 'tests', 'travel-records'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** How an imported row names the person: an identity document, or a phone. */
export type PersonMatch = { idType: string; idNumber: string; idCountry?: string } | { phone: string };

export type AuthorityRecord =
  | { kind: 'risk-area'; region: string | null; country: string | null; level: 'high' | 'medium' | 'low'; from: number; to: number | null }
  | { kind: 'case'; person: PersonMatch; status: 'confirmed' | 'suspected' | 'recovered' | 'cleared'; at: number }
  | { kind: 'contact'; person: PersonMatch; contact: 'close' | 'secondary'; at: number }
  | { kind: 'vaccination'; person: PersonMatch; dose: number; courseDoses: number; product: string; at: number }
  | { kind: 'test'; person: PersonMatch; result: 'positive' | 'negative'; at: number }
  | { kind: 'travel'; person: PersonMatch; source: 'rail' | 'air' | 'telecom'; region: string | null; country: string | null; arrival: number; departure: number; carrierRef: string | null };

type Row = Record<string, unknown>;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function str(row: Row, field: string, errors: FieldErrorCollector, required = true): string | undefined {
  const v = row[field];
  if (v === undefined || v === null || v === '') {
    if (required) errors.add(field, 'is required');
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    errors.add(field, 'must be text');
    return undefined;
  }
  return String(v).trim();
}

/** A risk area's end is set at most this far ahead; a later one is a typo, not a plan. */
const LATEST_END_AHEAD_MS = 366 * 24 * 3_600_000;

function instant(row: Row, field: string, errors: FieldErrorCollector, now: number, required = true): number | undefined {
  const text = str(row, field, errors, required);
  if (text === undefined) return undefined;
  const ms = INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) errors.add(field, 'must be an ISO 8601 date-time with a time zone');
  else if (ms > now + 5 * 60_000 && field !== 'to') errors.add(field, 'is in the future');
  else if (ms > now + LATEST_END_AHEAD_MS) errors.add(field, 'is more than a year ahead');
  else if (ms < EARLIEST_PLAUSIBLE_MS) errors.add(field, `must be after ${new Date(EARLIEST_PLAUSIBLE_MS).toISOString().slice(0, 10)}`);
  else return ms;
  return undefined;
}

function oneOf<T extends string>(row: Row, field: string, allowed: readonly T[], errors: FieldErrorCollector): T | undefined {
  const v = str(row, field, errors);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    errors.add(field, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return v as T;
}

function person(row: Row, errors: FieldErrorCollector): PersonMatch | undefined {
  const idNumber = str(row, 'idNumber', errors, false);
  const phone = str(row, 'phone', errors, false);
  if (idNumber !== undefined) {
    const idType = str(row, 'idType', errors) ?? '';
    const idCountry = str(row, 'idCountry', errors, false);
    return idCountry === undefined ? { idType, idNumber } : { idType, idNumber, idCountry };
  }
  if (phone !== undefined) return { phone };
  errors.add('idNumber', 'give idType and idNumber, or phone, to name the person');
  return undefined;
}

function place(row: Row, errors: FieldErrorCollector): { region: string | null; country: string | null } | undefined {
  const region = str(row, 'region', errors, false);
  const country = str(row, 'country', errors, false);
  if ((region === undefined) === (country === undefined)) {
    errors.add('region', 'give either region (GB/T 2260) or country (ISO 3166)');
    return undefined;
  }
  if (region !== undefined) {
    if (!isRegionCode(region)) errors.add('region', `'${region}' is not a GB/T 2260 code`);
    else return { region, country: null };
  } else if (country !== undefined) {
    const alpha2 = toAlpha2(country);
    if (!alpha2 || alpha2 === 'CN') errors.add('country', `'${country}' is not a country outside China`);
    else return { region: null, country: alpha2 };
  }
  return undefined;
}

/** Validates one imported row of `kind`; throws InvalidInputError naming the fields at fault. */
export function checkAuthorityRow(kind: ImportKind, row: Row, now: number): AuthorityRecord {
  const errors = new FieldErrorCollector();
  let record: AuthorityRecord | undefined;
  if (kind === 'risk-areas') {
    const p = place(row, errors);
    const level = oneOf(row, 'level', ['high', 'medium', 'low'] as const, errors);
    const from = instant(row, 'from', errors, now);
    const to = instant(row, 'to', errors, now, false) ?? null;
    if (from !== undefined && to !== null && to <= from) errors.add('to', 'must be after from');
    if (p && level && from !== undefined) record = { kind: 'risk-area', ...p, level, from, to };
  } else if (kind === 'travel-records') {
    const who = person(row, errors);
    const p = place(row, errors);
    const source = oneOf(row, 'source', ['rail', 'air', 'telecom'] as const, errors);
    const arrival = instant(row, 'arrival', errors, now);
    const departure = instant(row, 'departure', errors, now);
    if (arrival !== undefined && departure !== undefined && departure < arrival) errors.add('departure', 'is before the arrival');
    const carrierRef = str(row, 'carrierRef', errors, false) ?? null;
    if (who && p && source && arrival !== undefined && departure !== undefined) record = { kind: 'travel', person: who, source, ...p, arrival, departure, carrierRef };
  } else {
    const who = person(row, errors);
    const at = instant(row, 'date', errors, now);
    if (kind === 'cases') {
      const status = oneOf(row, 'status', ['confirmed', 'suspected', 'recovered', 'cleared'] as const, errors);
      if (who && status && at !== undefined) record = { kind: 'case', person: who, status, at };
    } else if (kind === 'contacts') {
      const contact = oneOf(row, 'kind', ['close', 'secondary'] as const, errors);
      if (who && contact && at !== undefined) record = { kind: 'contact', person: who, contact, at };
    } else if (kind === 'tests') {
      const result = oneOf(row, 'result', ['positive', 'negative'] as const, errors);
      if (who && result && at !== undefined) record = { kind: 'test', person: who, result, at };
    } else {
      const dose = Number(str(row, 'dose', errors));
      const courseDoses = Number(str(row, 'courseDoses', errors));
      const product = str(row, 'product', errors);
      if (!Number.isInteger(dose) || dose < 1 || dose > 10) errors.add('dose', 'must be a whole number from 1 to 10');
      if (!Number.isInteger(courseDoses) || courseDoses < 1 || courseDoses > 10) errors.add('courseDoses', 'must be a whole number from 1 to 10');
      if (who && product && at !== undefined && errors.ok) record = { kind: 'vaccination', person: who, dose, courseDoses, product, at };
    }
  }
  errors.throwIfAny();
  if (!record) throw new InvalidInputError([{ field: '(row)', message: 'is incomplete' } satisfies FieldError]);
  return record;
}
