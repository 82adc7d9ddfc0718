import { accept, refuse, type Checked } from '../field-errors.js';
import { isAlpha3, isNumericCountry } from '../countries.js';
import { isProvinceCode, isRegionCode } from '../regions.js';
import { parseBirthDate } from './birth-date.js';
import { icaoCheckDigit, mod11_2CheckCharacter } from './check-digits.js';

/**
 * Foreigner's permanent residence ID card number, in both forms still in circulation:
 * - 2004-2023, 15 characters: nationality (ISO 3166 alpha-3), issuing city (4 digits), birth date YYMMDD,
 *   one sequence digit, and an ICAO 9303 check digit over the first 14;
 * - since December 2023, 18 digits: 9, issuing province (2), nationality (ISO 3166 numeric, 3),
 *   birth date YYYYMMDD, sequence (3), and the GB 11643 MOD 11-2 check character.
 */
export function checkForeignPermanentResidenceId(number: string, today: Date): Checked<string> {
  const normalized = number.toUpperCase();
  if (/^[A-Z]{3}\d{12}$/.test(normalized)) return checkOldForm(normalized, today);
  if (/^9\d{16}[\dX]$/.test(normalized)) return checkNewForm(normalized, today);
  return refuse('must be 3 letters and 12 digits (before 2023) or 18 characters beginning with 9 (since 2023)');
}

function checkOldForm(number: string, today: Date): Checked<string> {
  if (!isAlpha3(number.slice(0, 3))) return refuse('the nationality (letters 1-3) is not an ISO 3166 alpha-3 code');
  if (!isRegionCode(`${number.slice(3, 7)}00`)) return refuse('the issuing city (digits 4-7) is not a GB/T 2260 code');
  const yymmdd = number.slice(7, 13);
  const born = parseBirthDate(`19${yymmdd}`, today) ?? parseBirthDate(`20${yymmdd}`, today);
  if (born === undefined) return refuse('the birth date (YYMMDD) is not a real date');
  if (icaoCheckDigit(number.slice(0, 14)) !== number[14]) return refuse('the check digit does not match (ICAO 9303)');
  return accept(number);
}

function checkNewForm(number: string, today: Date): Checked<string> {
  if (!isProvinceCode(number.slice(1, 3))) return refuse('the issuing province (digits 2-3) is not a GB/T 2260 code');
  if (!isNumericCountry(number.slice(3, 6))) return refuse('the nationality (digits 4-6) is not an ISO 3166 numeric code');
  if (parseBirthDate(number.slice(6, 14), today) === undefined) return refuse('the birth date (digits 7-14) is not a real date');
  if (mod11_2CheckCharacter(number.slice(0, 17)) !== number[17]) {
    return refuse('the last character does not match: check the number (ISO 7064 MOD 11-2 check character)');
  }
  return accept(number);
}
