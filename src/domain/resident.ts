import { FieldErrorCollector } from './field-errors.js';
import { checkIdentity, type IdentityDocument } from './identity/identity-document.js';
import { checkMobileNumber } from './phone.js';
import { isRegionCode } from './regions.js';

/** A person as they register: who they are, how to reach them, where they live. */

export const MAX_NAME_LENGTH = 100;
export const MAX_ADDRESS_LENGTH = 200;
export const RELATIONSHIPS = ['parent', 'grandparent', 'child', 'grandchild', 'spouse', 'sibling', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export interface AddressInput {
  region: string;
  detail: string;
}
export interface RegistrationInput {
  name: string;
  idType: string;
  idNumber: string;
  idCountry?: string | undefined;
  phone?: string | undefined;
  address: AddressInput;
}
export interface Address {
  /** GB/T 2260 county-level code: kept in clear for per-region statistics. */
  region: string;
  detail: string;
}
export interface Registration {
  name: string;
  identity: IdentityDocument;
  phone: string | null;
  address: Address;
}

const CONTROL = /\p{Cc}/u;
/** Half of a UTF-16 pair without its other half: not text, and silently turned into U+FFFD on the way to the database. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Marks and overrides of text direction: a U+202E in a name reverses what a checkpoint shows. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Format characters a reader cannot see, in a note meant to be read as written (the joiner emoji use is allowed). */
const HIDDEN_FORMAT = /(?!\u200D)\p{Cf}/u;
/** Characters that take no space: a name of these alone shows nothing. */
const INVISIBLE = /[\p{Cf}\p{Z}\s\u115F\u1160\u3164\uFFA0]/gu;

/**
 * Free text is stored exactly as given; it only has to be well-formed, visible, printable and not too
 * long. A note written for a person to read (`lineBreaks`) may break lines, and nothing else invisible.
 */
export function checkText(errors: FieldErrorCollector, field: string, text: string, max: number, lineBreaks = false): void {
  if (text.trim().length === 0) errors.add(field, 'must not be empty');
  else if (LONE_SURROGATE.test(text)) errors.add(field, 'must be well-formed text: it holds half of a UTF-16 surrogate pair');
  else if ([...text].length > max) errors.add(field, `must be at most ${max} characters`);
  else if (CONTROL.test(lineBreaks ? text.replace(/\r?\n/g, '') : text)) errors.add(field, lineBreaks ? 'must not contain control characters other than line breaks' : 'must not contain control characters');
  else if (BIDI_CONTROL.test(text)) errors.add(field, 'must not contain text-direction controls (such as U+202E)');
  else if (lineBreaks && HIDDEN_FORMAT.test(text)) errors.add(field, 'must not contain invisible formatting characters (such as U+200B or U+FEFF)');
  else if (text.replace(INVISIBLE, '') === '') errors.add(field, 'must contain visible characters');
}

/**
 * Validates a registration. A resident with a phone signs in with it; a dependent (elderly, child)
 * registered by a household member has none, so `phoneRequired` is false for them.
 */
export function checkRegistration(input: RegistrationInput, today: Date, phoneRequired: boolean): Registration {
  const errors = new FieldErrorCollector();
  checkText(errors, 'name', input.name, MAX_NAME_LENGTH);
  const identity = checkIdentity(input, today);
  if (!identity.ok) errors.add(identity.field, identity.message);
  let phone: string | null = null;
  if (input.phone !== undefined) {
    const checked = checkMobileNumber(input.phone);
    if (checked.ok) phone = checked.value;
    else errors.add('phone', checked.message);
  } else if (phoneRequired) errors.add('phone', 'is required to sign in');
  if (!isRegionCode(input.address.region)) {
    errors.add('address.region', `'${input.address.region}' is not a GB/T 2260 administrative division code`);
  }
  checkText(errors, 'address.detail', input.address.detail, MAX_ADDRESS_LENGTH);
  errors.throwIfAny();
  if (!identity.ok) throw new Error('unreachable');
  return { name: input.name, identity: identity.value, phone, address: { region: input.address.region, detail: input.address.detail } };
}
