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

/** Free text is stored exactly as given; it only has to be present, printable and not too long. */
function checkText(errors: FieldErrorCollector, field: string, text: string, max: number): void {
  if (text.trim().length === 0) errors.add(field, 'must not be empty');
  else if ([...text].length > max) errors.add(field, `must be at most ${max} characters`);
  else if (CONTROL.test(text)) errors.add(field, 'must not contain control characters');
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
