import { checkIdentity } from '../identity/identity-document.js';
import { maskName } from '../masking.js';
import { checkMobileNumber } from '../phone.js';

/**
 * What an officer typed into the one search box, read as the one thing it can be: a mainland ID
 * number (found through its blind index), a mobile number (likewise), or a name (whole, or masked
 * as a screen shows it, 张*芳).
 */
export type SearchQuery =
  | { by: 'idNumber'; identityKey: string }
  | { by: 'phone'; phone: string }
  | { by: 'name'; name: string };

export type ParsedSearch = { ok: true; value: SearchQuery } | { ok: false; message: string };

const MAX_NAME = 40;

/** Reads the search box; `today` bounds the birth date an ID number may hold. */
export function parseSearchQuery(text: string, today: Date): ParsedSearch {
  const compact = text.replace(/[\s-]/g, '');
  if (compact === '') return { ok: false, message: 'enter a name, an ID number or a mobile number' };
  // 15 or more digits (an X last) can only be an ID number: checked to the last character.
  if (/^\d{15,}[0-9Xx]?$/.test(compact) || /^\d{17}[Xx]$/.test(compact)) {
    const identity = checkIdentity({ idType: 'resident_id', idNumber: compact.toUpperCase() }, today);
    return identity.ok ? { ok: true, value: { by: 'idNumber', identityKey: identity.value.key } } : { ok: false, message: identity.message };
  }
  if (/^\+?\d+$/.test(compact)) {
    const phone = checkMobileNumber(compact);
    return phone.ok ? { ok: true, value: { by: 'phone', phone: phone.value } } : { ok: false, message: `is neither an ID number (18 characters) nor a mobile number: ${phone.message}` };
  }
  const name = text.trim().replace(/\s+/g, ' ');
  if ([...name].length > MAX_NAME) return { ok: false, message: `a name is at most ${MAX_NAME} characters` };
  if (/\d/.test(name)) return { ok: false, message: 'mixes digits and letters: enter a name, an ID number or a mobile number' };
  return { ok: true, value: { by: 'name', name } };
}

/** A name as compared: full-width folded, spaces trimmed and collapsed, any case. */
const normalName = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Whether a resident's full name answers a name query: the whole name, or its masked form as the
 * console shows it (张*芳 for 张芳芳, O***** B**** for Oliver Brown), each star one hidden character.
 * A masked query may hide more than the console does, never show more: 张晓* does not find 张晓明,
 * whose masked form hides the 晓. Never a part of a name: typed one guess at a time, parts (张晓,
 * Schn, e) gave a full name away to anyone holding a grant.
 */
export function nameMatches(query: string, fullName: string): boolean {
  const q = normalName(query);
  if (!q.includes('*')) return q === normalName(fullName);
  const wanted = [...q];
  const shown = [...normalName(maskName(fullName))];
  return wanted.length === shown.length && wanted.every((c, i) => c === '*' || c === shown[i]);
}
