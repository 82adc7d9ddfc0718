import { accept, refuse, type Checked } from '../field-errors.js';

/**
 * A passport number: ICAO 9303 gives the document number field 9 characters (A-Z, 0-9); a few states
 * issue shorter numbers. Chinese ordinary passports are E or G and 8 characters after it.
 */
export function checkPassportNumber(number: string, countryAlpha2: string): Checked<string> {
  const normalized = number.toUpperCase();
  if (!/^[A-Z0-9]{5,9}$/.test(normalized)) return refuse('must be 5 to 9 letters and digits');
  if (countryAlpha2 === 'CN' && !/^[EGDSP][A-Z0-9]\d{7}$/.test(normalized)) {
    return refuse('a Chinese passport number is E, G, D, S or P followed by 8 characters');
  }
  return accept(normalized);
}
