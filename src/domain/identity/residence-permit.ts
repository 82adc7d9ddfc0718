import { refuse, type Checked } from '../field-errors.js';
import { checkEighteenDigitNumber } from './mainland-resident-id.js';

/**
 * Residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, 2018): the resident-ID
 * layout with address code 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
 */
const PERMIT_ADDRESS_CODES = new Set(['810000', '820000', '830000']);

export function checkResidencePermit(number: string, today: Date): Checked<string> {
  const checked = checkEighteenDigitNumber(number, today);
  if (!checked.ok) return checked;
  if (!PERMIT_ADDRESS_CODES.has(checked.value.slice(0, 6))) {
    return refuse('must begin with 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan)');
  }
  return checked;
}
