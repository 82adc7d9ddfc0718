import type { Checked } from '../field-errors.js';
import { toAlpha2 } from '../countries.js';
import { checkForeignPermanentResidenceId } from './foreign-permanent-residence-id.js';
import { checkMainlandResidentId } from './mainland-resident-id.js';
import { checkPassportNumber } from './passport.js';
import { checkResidencePermit } from './residence-permit.js';
import { checkHomeReturnPermit, checkTaiwanTravelPermit } from './travel-permits.js';

export const ID_TYPES = [
  'resident_id',
  'hmt_residence_permit',
  'foreign_permanent_residence',
  'passport',
  'hk_macao_travel_permit',
  'taiwan_travel_permit',
] as const;
export type IdType = (typeof ID_TYPES)[number];

/** An identity document as the resident typed it. */
export interface IdentityInput {
  idType: string;
  idNumber: string;
  /** Issuing country of a passport (ISO 3166 alpha-2 or alpha-3); ignored for other types. */
  idCountry?: string | undefined;
}

/**
 * A visitor admitted with their registration at another operator holds no document here: they are
 * known by that operator and the subject it gave them (federation: moving between regions).
 */
export const HOME_REGISTRATION = 'home-registration';

/** A validated, normalised identity document. `key` is unique per person and is what the blind index hashes. */
export interface IdentityDocument {
  type: IdType | typeof HOME_REGISTRATION;
  number: string;
  country?: string;
  key: string;
}

/** A document's key: unique per person, what the blind index hashes (a stored document's too, to find it again). */
export function identityKeyOf(document: { type: string; number: string; country?: string }): string {
  return document.country ? `${document.type}:${document.country}:${document.number}` : `${document.type}:${document.number}`;
}

export type IdentityCheck =
  | { ok: true; value: IdentityDocument }
  | { ok: false; field: 'idType' | 'idNumber' | 'idCountry'; message: string };

export function isIdType(value: string): value is IdType {
  return (ID_TYPES as readonly string[]).includes(value);
}

/** Validates an identity document; `today` bounds birth dates. */
export function checkIdentity(input: IdentityInput, today: Date): IdentityCheck {
  const { idType, idCountry } = input;
  const idNumber = input.idNumber.trim();
  if (!isIdType(idType)) return { ok: false, field: 'idType', message: `must be one of ${ID_TYPES.join(', ')}` };
  let checked: Checked<string>;
  let country: string | undefined;
  switch (idType) {
    case 'resident_id':
      checked = checkMainlandResidentId(idNumber, today);
      break;
    case 'hmt_residence_permit':
      checked = checkResidencePermit(idNumber, today);
      break;
    case 'foreign_permanent_residence':
      checked = checkForeignPermanentResidenceId(idNumber, today);
      break;
    case 'hk_macao_travel_permit':
      checked = checkHomeReturnPermit(idNumber);
      break;
    case 'taiwan_travel_permit':
      checked = checkTaiwanTravelPermit(idNumber);
      break;
    case 'passport': {
      country = idCountry === undefined ? undefined : toAlpha2(idCountry);
      if (country === undefined) {
        return { ok: false, field: 'idCountry', message: 'a passport needs its issuing country as an ISO 3166 code' };
      }
      checked = checkPassportNumber(idNumber, country);
      break;
    }
  }
  if (!checked.ok) return { ok: false, field: 'idNumber', message: checked.message };
  const value: IdentityDocument = { type: idType, number: checked.value, key: identityKeyOf({ type: idType, number: checked.value, country }) };
  if (country) value.country = country;
  return { ok: true, value };
}

