import type { Kysely, Transaction } from 'kysely';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import type { Database } from '../schema.js';
import { CompiledShapes } from '../compiled-query.js';
import { CLAIMING_PREFIX, LegacyResidentIndexes } from './legacy-indexes.js';

export { CLAIMING_PREFIX };

type Db = Kysely<Database> | Transaction<Database>;

/** Blind-index kinds; changing one orphans every stored index of that kind. */
export const INDEX_ID = 'resident.identity';
export const INDEX_PHONE = 'resident.phone';
/** Where a revoked document's index goes: keyed by the account, so it collides with nothing. */
const INDEX_REVOKED_ID = 'resident.identity.revoked';
/** Where a household member's index waits while their claim to a document another account holds is open. */
const INDEX_CLAIMING_ID = 'resident.identity.claiming';

/**
 * The resident using a phone, matched under each of its indexes (the shape: how many): every code
 * asked for and every registration looks a phone up, so it is compiled once.
 */
const byPhone = () =>
  new CompiledShapes<string, { id: string; address_region: string }>(
    Number,
    (_, indexes, db: Kysely<Database>) => db.selectFrom('residents').select(['id', 'address_region']).where('phone_index', 'in', indexes as string[]).limit(1).compile(),
  );

/**
 * Finding residents by their identity document or phone, through blind indexes: a resident's indexes
 * are keyed by their district's key (destroyed at its sunset); a look-up matches the value's index
 * under every district key held, in one query. Also what each index is, for the stores that write them.
 */
export class ResidentLookupsStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
    /** Whether rows may still hold indexes from before district keys: shared by the stores of one database. */
    private readonly legacy = new LegacyResidentIndexes(),
    private readonly compiled = { byPhone: byPhone() },
  ) {}

  withTransaction(trx: Transaction<Database>): ResidentLookupsStore {
    return new ResidentLookupsStore(trx, this.cipher, this.legacy, this.compiled);
  }

  /** The document's index in a district: what a resident of it is stored under. */
  identityIndex(region: string, identityKey: string): string {
    return this.cipher.regionIndex(region, INDEX_ID, identityKey);
  }

  phoneIndex(region: string, phoneE164: string): string {
    return this.cipher.regionIndex(region, INDEX_PHONE, phoneE164);
  }

  /**
   * The document's index under every district key held (and from before them, until a start proved
   * none is left): what a look-up matches. `known`: its index in one district (`identityIndex`), already made.
   */
  identityIndexes(identityKey: string, known?: { region: string; index: string }): string[] {
    return this.#lookupIndexes(INDEX_ID, identityKey, known);
  }

  phoneIndexes(phoneE164: string, known?: { region: string; index: string }): string[] {
    return this.#lookupIndexes(INDEX_PHONE, phoneE164, known);
  }

  /**
   * Not FieldCipher.lookupIndexes: a resident is never stored under a value's index "about no district
   * yet" (that is for codes and messages to a phone no account holds), so it is not matched; nor, once
   * proven gone, under the master key's.
   */
  #lookupIndexes(kind: string, value: string, known?: { region: string; index: string }): string[] {
    const indexes = new Set(this.cipher.regionIndexes(kind, value, known).values());
    if (this.legacy.mayRemain) indexes.add(this.cipher.blindIndex(kind, value));
    return [...indexes];
  }

  /** The index of an account whose document was reclaimed by its real holder: nothing can look it up. */
  revokedIndex(residentId: string): string {
    return this.cipher.blindIndex(INDEX_REVOKED_ID, residentId);
  }

  /** The index of a household member waiting on a claim to a document another account holds. */
  claimingIndex(residentId: string): string {
    return `${CLAIMING_PREFIX}${this.cipher.blindIndex(INDEX_CLAIMING_ID, residentId)}`;
  }

  async findIdByPhone(phoneE164: string): Promise<string | undefined> {
    return (await this.findByPhone(phoneE164))?.id;
  }

  /** The resident using a phone, in whichever district, with that district. */
  async findByPhone(phoneE164: string): Promise<{ id: string; region: string } | undefined> {
    const indexes = this.phoneIndexes(phoneE164);
    // No district key yet and none from before them: nobody can hold the phone (and PostgreSQL refuses `in ()`).
    if (indexes.length === 0) return undefined;
    const [row] = (await this.compiled.byPhone.run(this.db, String(indexes.length), indexes)).rows;
    return row && { id: row.id, region: row.address_region };
  }

  /** The resident holding a document, in whichever district, with that district. */
  async findByIdentityKey(identityKey: string): Promise<{ id: string; region: string } | undefined> {
    const indexes = this.identityIndexes(identityKey);
    if (indexes.length === 0) return undefined;
    const row = await this.db.selectFrom('residents').select(['id', 'address_region']).where('id_index', 'in', indexes).executeTakeFirst();
    return row && { id: row.id, region: row.address_region };
  }

  async findIdByIdentityKey(identityKey: string): Promise<string | undefined> {
    return (await this.findByIdentityKey(identityKey))?.id;
  }
}
