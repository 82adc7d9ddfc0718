import type { ExpressionBuilder } from 'kysely';
import { REGION_INDEX_PREFIX, UNPLACED_INDEX_PREFIX } from '../../privacy/field-cipher.js';
import { SHREDDED } from '../oversight/sunset-store.js';
import type { Database } from '../schema.js';

/**
 * Marks a waiting index as one: the start-up move of old indexes under district keys must leave it
 * alone (recomputed from the document, it would collide with the holder's and stop every start).
 */
export const CLAIMING_PREFIX = 'c2.';

/**
 * Residents' rows whose blind indexes are still as before districts had index keys (under the master
 * key): what the start-up move takes up, and what a look-up must match while any is left. A revoked
 * document's index, a claim's waiting index and a destroyed resident's are none of these.
 */
export function unmovedIndexes(eb: ExpressionBuilder<Database, 'residents'>) {
  const prefixed = `${REGION_INDEX_PREFIX}%`;
  return eb.and([
    eb('name_enc', '!=', SHREDDED),
    eb.or([
      eb.and([eb('id_index', 'not like', prefixed), eb('id_index', 'not like', `${CLAIMING_PREFIX}%`), eb('identity_revoked_at', 'is', null)]),
      eb.and([eb('phone_index', 'is not', null), eb('phone_index', 'not like', prefixed)]),
    ]),
  ]);
}

/**
 * Messages to a phone still indexed as before districts had index keys (under the master key,
 * neither a district's index nor one about no district yet): what the start-up move takes up.
 */
export function unmovedMessages(eb: ExpressionBuilder<Database, 'outbox'>) {
  return eb.and([eb('recipient_index', 'not like', `${REGION_INDEX_PREFIX}%`), eb('recipient_index', 'not like', `${UNPLACED_INDEX_PREFIX}%`)]);
}

/**
 * Whether residents' rows, or messages to their phones, may still hold indexes from before districts
 * had index keys: until a start has moved them all and found none left
 * (ResidentResealingStore.proveIndexesMoved), every look-up and every registration's clash check
 * also matches the value's index under the master key, so a resident stored then still refuses their
 * document registered in another district, and every registration also moves its phone's messages
 * found under it.
 * Kept in memory without the change feed because, once proven, no process can make it false again:
 * no code writes such an index (every FieldCipher the services use has district keys, and its
 * `regionIndex` is then always prefixed). A binary from before district keys, still running beside
 * this one, could; but it would not see this one's district indexes either, so no clash check holds
 * across the two: an upgrade stops the old binary first.
 */
export class LegacyResidentIndexes {
  #gone = false;

  get mayRemain(): boolean {
    return !this.#gone;
  }

  /** None is left: called once a query over every row found none. */
  provenGone(): void {
    this.#gone = true;
  }
}
