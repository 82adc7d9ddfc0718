import { Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { accept, refuse, type Checked } from './field-errors.js';

/** What libphonenumber's metadata holds about a kind of number (at run time; its typings name less). */
interface NumberingPlanAtRunTime {
  nationalNumberPattern(): string;
  type(kind: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/**
 * The mainland's mobile ranges as the package's own metadata draws them, compiled once: parsing a
 * number and asking its type with libphonenumber (which compiles its patterns at each call) cost
 * more than the rest of a registration. Undefined if the metadata does not read as expected: then
 * every number takes the library's whole way.
 */
const MAINLAND_MOBILE = ((): ((national: string) => boolean) | undefined => {
  const metadata = new Metadata();
  metadata.selectNumberingPlan('CN');
  const plan = metadata.numberingPlan as unknown as Partial<NumberingPlanAtRunTime> | undefined;
  const mobile = typeof plan?.type === 'function' ? plan.type('MOBILE') : undefined;
  if (typeof plan?.nationalNumberPattern !== 'function' || !mobile?.pattern() || !mobile.possibleLengths()?.includes(11)) return undefined;
  const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
  const [national, ranges] = [whole(plan.nationalNumberPattern()), whole(mobile.pattern())];
  return (number) => national.test(number) && ranges.test(number);
})();
/** A mainland mobile number as written bare or with +86: eleven digits starting with 1 (no national prefix or carrier code stands before those). */
const MAINLAND_ELEVEN_DIGITS = /^(?:\+86)?(1\d{10})$/;

/**
 * A phone number that can receive a sign-in SMS, normalised to E.164.
 * Mainland mobile numbers may be written bare (13812345678); any other number must be in E.164 (+44...).
 * Validation uses libphonenumber's metadata, so number ranges stay current with the package.
 */
export function checkMobileNumber(text: string): Checked<string> {
  const compact = text.replace(/[\s-]/g, '');
  // Most numbers: a mainland mobile in its ranges, which the library would accept as they are. Any
  // other goes the library's whole way (the differential test holds the two to the same answers).
  const national = MAINLAND_ELEVEN_DIGITS.exec(compact)?.[1];
  if (national !== undefined && MAINLAND_MOBILE?.(national)) return accept(`+86${national}`);
  return checkMobileNumberFully(compact);
}

/** checkMobileNumber by libphonenumber alone, on a number without spaces or dashes. */
export function checkMobileNumberFully(compact: string): Checked<string> {
  if (!/^\+?\d{5,16}$/.test(compact)) return refuse('must be a mainland mobile number or an E.164 number such as +447700900123');
  const parsed = parsePhoneNumberFromString(compact, compact.startsWith('+') ? undefined : 'CN');
  if (!parsed) return refuse('is not a valid phone number');
  // With the full metadata, isValid() is "getType() found a type": asked only when no type was found
  // (a country whose metadata has none), so the number's ranges are matched once, not twice.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return refuse('is not a valid phone number');
  const mobile = type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || (type === undefined && parsed.country !== 'CN');
  if (!mobile) return refuse('must be a mobile number that can receive SMS');
  return accept(parsed.number);
}

/** 138****5678 style: country code and the last four digits stay visible. */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return '*'.repeat(e164.length);
  return `${e164.slice(0, e164.startsWith('+86') ? 6 : 4)}${'*'.repeat(e164.length - (e164.startsWith('+86') ? 10 : 8))}${e164.slice(-4)}`;
}
