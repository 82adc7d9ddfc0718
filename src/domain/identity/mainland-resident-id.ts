import { accept, refuse, type Checked } from '../field-errors.js';
import { isProvinceCode } from '../regions.js';
import { parseBirthDate } from './birth-date.js';
import { mod11_2CheckCharacter } from './check-digits.js';

/**
 * Mainland resident identity card number (GB 11643-1999): 6-digit address code, 8-digit birth date,
 * 3-digit sequence, ISO 7064 MOD 11-2 check character (0-9 or X).
 *
 * The address code is the county where the holder was first registered, and counties are renamed
 * and merged: many valid numbers carry codes that today's GB/T 2260 no longer lists. So only the
 * province part is checked against the dataset, which has been stable since 1997 (Chongqing).
 */
export function checkEighteenDigitNumber(number: string, today: Date): Checked<string> {
  const normalized = number.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(normalized)) return refuse('must be 17 digits followed by a digit or X');
  if (parseBirthDate(normalized.slice(6, 14), today) === undefined) {
    return refuse('the birth date (digits 7-14) is not a real date between 1900 and today');
  }
  if (mod11_2CheckCharacter(normalized.slice(0, 17)) !== normalized[17]) {
    return refuse("the last character does not match: check the number (ISO 7064 MOD 11-2 check character)");
  }
  return accept(normalized);
}

export function checkMainlandResidentId(number: string, today: Date): Checked<string> {
  const checked = checkEighteenDigitNumber(number, today);
  if (!checked.ok) return checked;
  const province = checked.value.slice(0, 2);
  if (['71', '81', '82', '83'].includes(province) || !isProvinceCode(province)) {
    return refuse('the address code (digits 1-6) names no mainland province');
  }
  return checked;
}
