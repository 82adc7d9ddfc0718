import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { accept, refuse, type Checked } from './field-errors.js';

/**
 * A phone number that can receive a sign-in SMS, normalised to E.164.
 * Mainland mobile numbers may be written bare (13812345678); any other number must be in E.164 (+44...).
 * Validation uses libphonenumber's metadata, so number ranges stay current with the package.
 */
export function checkMobileNumber(text: string): Checked<string> {
  const compact = text.replace(/[\s-]/g, '');
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
