/**
 * Elder mode (适老化), as kept on this device: whether it is on, and the family's phone number the
 * big button calls. The family's help is a number the resident (or a relative, on their phone) sets
 * here, not a household guardian: an elder who signs in with their own phone belongs to no guardian's
 * household in this product, and a number for calling needs no server, so it never leaves the phone.
 */
export interface ElderMode {
  on: boolean;
  familyPhone: string | null;
}

export const ELDER_KEY = 'healthcode.resident.elder';

/** A phone number as dialled: 3 to 15 digits (E.164's longest), a leading + allowed; spaces, dashes and brackets dropped. */
export function parseFamilyPhone(input: string): { phone: string } | { error: 'elder.familyPhoneInvalid' } {
  const phone = input.trim().replace(/[\s\-()]/g, '');
  return /^\+?\d{3,15}$/.test(phone) ? { phone } : { error: 'elder.familyPhoneInvalid' };
}

/** What was saved, checked again: anything else there (an old format, a hand edit) is elder mode off with no number. */
export function readElderMode(saved: unknown): ElderMode {
  if (typeof saved !== 'object' || saved === null) return { on: false, familyPhone: null };
  const { on, familyPhone } = saved as Record<string, unknown>;
  const phone = typeof familyPhone === 'string' ? parseFamilyPhone(familyPhone) : null;
  return { on: on === true, familyPhone: phone && 'phone' in phone ? phone.phone : null };
}
