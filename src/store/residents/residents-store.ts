import { sql, type Kysely, type Transaction } from 'kysely';
import type { Address, Registration } from '../../domain/resident.js';
import type { IdType } from '../../domain/identity/identity-document.js';
import { SHREDDED } from '../oversight/sunset-store.js';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import { RegionKeyShreddedError } from '../../privacy/region-keys.js';
import { compiledOnce } from '../compiled-query.js';
import { clashesOf, compiledInsert, compiledPhoneRecords, compiledRegistration, insertArguments, insertShape, registrationArguments, type PhoneRecordsMove, type RegistrationResult, type SealedResidentRow, type UnplacedMessage } from './resident-insert.js';

export type { SealedResidentRow };
import { lockAllIn, lockAllStatement, type Engine } from '../database.js';
import { inlined } from '../deferred-begin.js';
import { ResidentLookupsStore } from './resident-lookups-store.js';
import { LegacyResidentIndexes } from './legacy-indexes.js';
import type { Database, ResidentsTable } from '../schema.js';

/** A resident with personal fields decrypted; only services see this shape. */
export interface Resident {
  id: string;
  name: string;
  identity: { type: IdType; number: string; country?: string };
  phone: string | null;
  address: Address;
  phoneVerifiedAt: number | null;
  /** The document was reclaimed by its real holder; the account no longer holds it. */
  identityRevokedAt: number | null;
  /** Staff saw the document (at a gate or service point), or an authority checked it: more than a relative's word. */
  identityCheckedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

type Db = Kysely<Database> | Transaction<Database>;


/**
 * An identity document or phone another district's resident holds: their indexes are under different
 * keys, so the engine's unique index cannot see it. Carries the engine's unique-violation code, so
 * callers treat it as the same-district duplicate the unique index reports.
 */
export class DuplicateAcrossDistrictsError extends Error {
  readonly code = '23505';
  constructor() {
    super('another resident holds this identity document or phone');
    this.name = 'DuplicateAcrossDistrictsError';
  }
}

/**
 * Residents table: encrypts on the way in, decrypts on the way out. A resident's fields are sealed,
 * and their blind indexes keyed, under their district's key (destroyed at its sunset); finding a
 * resident by document or phone is ResidentLookupsStore's.
 */
export class ResidentsStore {
  private readonly lookups: ResidentLookupsStore;

  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
    private readonly engine: Engine = 'sqlite',
    /** Whether rows may still hold indexes from before district keys, which the clash check must then match. */
    private readonly legacy = new LegacyResidentIndexes(),
    /** Compiled once for the store and every store made from it for a transaction. */
    private readonly compiled = { insert: compiledInsert(), registration: compiledRegistration(), phoneRecords: compiledPhoneRecords() },
  ) {
    this.lookups = new ResidentLookupsStore(db, cipher, legacy);
  }

  withTransaction(trx: Transaction<Database>): ResidentsStore {
    return new ResidentsStore(trx, this.cipher, this.engine, this.legacy, this.compiled);
  }

  /**
   * Inserts a resident, unless a sunset of their region was approved: then nothing is written and it
   * returns false. The check is part of the insert statement, so an approval committed before it
   * is always seen, at no extra round trip. A duplicate identity or phone surfaces as the engine's
   * unique violation. `phoneVerifiedAt` is set when the registration itself proved the phone.
   * `holdsIdentity` false: a household member whose document another account holds, added while
   * the claim waits; the index goes where it collides with nothing, and approval moves it back.
   */
  async insert(id: string, registration: Registration, now: number, phoneVerifiedAt: number | null = null, holdsIdentity = true): Promise<boolean> {
    return (await this.#write(id, registration, now, phoneVerifiedAt, holdsIdentity)) !== undefined;
  }

  /**
   * Registers a resident with a phone: inserts as `insert` does and, in the same transaction and only
   * if the row was written, moves the phone's sign-in codes and finds its messages (`move`), which it
   * answers for the caller to reseal under the district's key. Undefined, and nothing written, when
   * a sunset of the region was approved. On PostgreSQL the three are one statement (one round trip).
   */
  async register(id: string, registration: Registration, now: number, phoneVerifiedAt: number | null, move: PhoneRecordsMove): Promise<UnplacedMessage[] | undefined> {
    return this.#write(id, registration, now, phoneVerifiedAt, true, move);
  }

  async #write(id: string, registration: Registration, now: number, phoneVerifiedAt: number | null, holdsIdentity: boolean, move?: PhoneRecordsMove): Promise<UnplacedMessage[] | undefined> {
    const { identity } = registration;
    const region = registration.address.region;
    const sealed = this.sealedRow(id, registration, now, phoneVerifiedAt, holdsIdentity);
    // Another district's resident with the same document or phone has other indexes: the statement
    // looks for them under every district key. One statement, so SQLite (one writer) needs no lock.
    // A household member waiting on a claim holds no document yet: only their phone (if any) is checked.
    // The indexes in the resident's own district are the row's, made once.
    const ids = holdsIdentity ? this.lookups.identityIndexes(identity.key, { region, index: sealed.id_index }) : [];
    const phones = registration.phone === null ? [] : this.lookups.phoneIndexes(registration.phone, { region, index: sealed.phone_index! });
    const shape = insertShape(ids, phones);
    // PostgreSQL's locks on the values (see below), sent with a registration's statement.
    const locks = this.engine === 'postgres' ? [identity.key, registration.phone ?? ''].map((v) => `resident ${this.cipher.unplacedIndex('insert lock', v).slice(3, 5)}`) : [];
    const attempt = async (db: Db): Promise<UnplacedMessage[] | undefined> => {
      let messages: UnplacedMessage[] | undefined;
      if (move !== undefined && this.engine === 'postgres') {
        // One message, and with the BEGIN held back for it one round trip: the locks, then the
        // statement, which runs (with a snapshot of its own) once they are held.
        const statement = inlined(this.compiled.registration.compiled(db, shape, registrationArguments(sealed, ids, phones, move)));
        const { rows } = await sql.raw<RegistrationResult>(`${lockAllStatement(locks)};\n${statement}`).execute(db);
        if (rows[0]?.inserted === 1) messages = rows.flatMap((row) => (row.id === null ? [] : [{ id: row.id, recipient_index: row.recipient_index, recipient_enc: row.recipient_enc, body_enc: row.body_enc }]));
      } else if (Number((await this.compiled.insert.run(db, shape, insertArguments(sealed, ids, phones))).numAffectedRows ?? 0) === 1) {
        if (move === undefined) return [];
        await this.compiled.phoneRecords.moveCodes.run(db, '', [move.codesTo, move.codesFrom]);
        messages = (await this.compiled.phoneRecords.messages.run(db, '', move.messageIndexes)).rows;
      }
      if (messages !== undefined) return messages;
      const taken = clashesOf(ids, phones);
      if (taken && (await sql`${taken}`.execute(db)).rows.length > 0) throw new DuplicateAcrossDistrictsError();
      return undefined;
    };
    if (this.engine !== 'postgres') return move === undefined || this.db.isTransaction ? attempt(this.db) : (this.db as Kysely<Database>).transaction().execute(attempt);
    // PostgreSQL: two registrations of one document in two districts would each miss the other's
    // uncommitted row; a lock on the values (held to the end of the transaction, stored nowhere)
    // makes the second wait for the first and then see it. The lock is named by 12 bits of a keyed
    // hash: values that share it only wait for each other, and a lock seen in passing confirms none.
    const locked = async (trx: Transaction<Database>) => {
      if (move === undefined) await lockAllIn('postgres', trx, locks);
      return attempt(trx);
    };
    return this.db.isTransaction ? locked(this.db as Transaction<Database>) : (this.db as Kysely<Database>).transaction().execute(locked);
  }

  /**
   * What a resident's identity stands on: a proven phone, a checked document, a guardian's word; one
   * read, nothing decrypted (every code view asks). None for a resident whose region's sunset
   * destroyed them.
   */
  async identityStanding(id: string): Promise<{ phoneVerifiedAt: number | null; identityCheckedAt: number | null; hasGuardian: boolean } | undefined> {
    const [row] = await this.#identityStanding(id);
    return row && { phoneVerifiedAt: row.phone_verified_at, identityCheckedAt: row.identity_checked_at, hasGuardian: Boolean(row.has_guardian) };
  }

  readonly #identityStanding = compiledOnce(() => this.db, 1, (id: string) =>
    this.db
      .selectFrom('residents')
      .select(['phone_verified_at', 'identity_checked_at'])
      .select((eb) => eb.exists(eb.selectFrom('guardianships').select('dependent_id').whereRef('guardianships.dependent_id', '=', 'residents.id')).as('has_guardian'))
      .where('id', '=', id)
      .where('name_enc', '!=', SHREDDED),
  );

  /**
   * The row `insert` writes: fields sealed, and blind indexes keyed, under the district's key. Apart
   * from the statement, so that a benchmark can write the very same row with nothing around it.
   */
  sealedRow(id: string, registration: Registration, now: number, phoneVerifiedAt: number | null = null, holdsIdentity = true): SealedResidentRow {
    const c = (field: string) => `resident:${id}:${field}`;
    const { identity } = registration;
    const region = registration.address.region;
    // Under the district's own key: destroying it at the region's sunset destroys these.
    const seal = (value: string, field: string) => this.cipher.encryptIn(region, value, c(field));
    const identityJson = JSON.stringify({ type: identity.type, number: identity.number, ...(identity.country ? { country: identity.country } : {}) });
    return {
      id,
      id_index: holdsIdentity ? this.lookups.identityIndex(region, identity.key) : this.lookups.claimingIndex(id),
      identity_enc: seal(identityJson, 'identity'),
      name_enc: seal(registration.name, 'name'),
      phone_index: registration.phone === null ? null : this.lookups.phoneIndex(region, registration.phone),
      phone_enc: registration.phone === null ? null : seal(registration.phone, 'phone'),
      address_region: region,
      address_enc: seal(registration.address.detail, 'address'),
      phone_verified_at: phoneVerifiedAt,
      created_at: now,
      updated_at: now,
    };
  }

  /** A resident; none for one whose region's sunset destroyed them. */
  async findById(id: string): Promise<Resident | undefined> {
    const row = await this.db.selectFrom('residents').selectAll().where('id', '=', id).where('name_enc', '!=', SHREDDED).executeTakeFirst();
    return row && openResident(this.cipher, row);
  }

  /**
   * Names of many residents, decrypting nothing else: what a contact list needs, and all it may read.
   * Residents who deleted their account are absent.
   */
  async names(ids: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('residents').select(['id', 'name_enc']).where('id', 'in', ids.slice(i, i + 500)).where('name_enc', '!=', SHREDDED).execute();
      for (const r of rows) names.set(r.id, this.cipher.decrypt(r.name_enc, `resident:${r.id}:name`));
    }
    return names;
  }

  /** A resident's name from its sealed form (`name_enc`) as read along elsewhere (CodeViewStore). */
  openName(id: string, nameEnc: string): string {
    return this.cipher.decrypt(nameEnc, `resident:${id}:name`);
  }

  /**
   * Which of `ids` are residents still held: not deleted, nor destroyed by their region's sunset.
   * Reads ids only, one statement for a checkpoint's batch (up to a thousand), decrypting nothing.
   */
  async held(ids: string[]): Promise<Set<string>> {
    const held = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await this.db.selectFrom('residents').select('id').where('id', 'in', ids.slice(i, i + 1000)).where('name_enc', '!=', SHREDDED).execute();
      for (const r of rows) held.add(r.id);
    }
    return held;
  }

  /** The phones (E.164) of residents with an address under `prefix`, opened: what a sunset finds their messages by. */
  async phonesIn(prefix: string): Promise<string[]> {
    const rows = await this.db.selectFrom('residents').select(['id', 'phone_enc']).where('address_region', 'like', `${prefix}%`).where('phone_enc', 'is not', null).execute();
    // A district whose key a sunset cut short already destroyed: its phones are beyond anyone's reading.
    return rows.flatMap((r) => {
      try {
        return [this.cipher.decrypt(r.phone_enc!, `resident:${r.id}:phone`)];
      } catch (error) {
        if (error instanceof RegionKeyShreddedError) return [];
        throw error;
      }
    });
  }

  async markPhoneVerified(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('residents')
      .set({ phone_verified_at: now, updated_at: now })
      .where('id', '=', id)
      .where('phone_verified_at', 'is', null)
      .execute();
  }

  /**
   * Remembers the script of the resident's texts (zh-CN or zh-Hant): written only when it changes,
   * so a sign-in in the script already kept costs no write.
   */
  async rememberSmsScript(id: string, script: string, now: number): Promise<void> {
    await this.db.updateTable('residents').set({ sms_script: script, updated_at: now }).where('id', '=', id).where('sms_script', '!=', script).execute();
  }

  /** The script of each resident's texts, for those that are still held. */
  async smsScripts(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('residents').select(['id', 'sms_script']).where('id', 'in', unique).execute();
    return new Map(rows.map((r) => [r.id, r.sms_script]));
  }

  /** The account's phone becomes `phoneE164`, proven at `verifiedAt`: a visitor whose home vouches for that phone taking their account back. */
  async replacePhone(id: string, phoneE164: string, verifiedAt: number): Promise<void> {
    const { address_region } = await this.db.selectFrom('residents').select('address_region').where('id', '=', id).executeTakeFirstOrThrow();
    await this.db
      .updateTable('residents')
      .set({ phone_index: this.lookups.phoneIndex(address_region, phoneE164), phone_enc: this.cipher.encryptIn(address_region, phoneE164, `resident:${id}:phone`), phone_verified_at: verifiedAt, updated_at: verifiedAt })
      .where('id', '=', id)
      .execute();
  }

  /** Staff saw the document in person; the first time counts. */
  async markIdentityChecked(id: string, now: number): Promise<void> {
    await this.db.updateTable('residents').set({ identity_checked_at: now, updated_at: now }).where('id', '=', id).where('identity_checked_at', 'is', null).execute();
  }

  /**
   * Takes the identity document from an account, for its real holder: the blind index moves to a
   * value nothing can look up (the column stays unique and not null), and the account is marked.
   */
  async revokeIdentity(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('residents')
      .set({ id_index: this.lookups.revokedIndex(id), identity_revoked_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** A claim was approved: the household member who waited now holds the document, checked by the authority. */
  async takeIdentity(id: string, identityKey: string, now: number): Promise<void> {
    const { address_region } = await this.db.selectFrom('residents').select('address_region').where('id', '=', id).executeTakeFirstOrThrow();
    await this.db.updateTable('residents').set({ id_index: this.lookups.identityIndex(address_region, identityKey), identity_checked_at: now, updated_at: now }).where('id', '=', id).execute();
  }

  /** Deletes residents; declarations, stays, sessions and guardianships go with them (ON DELETE CASCADE). */
  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom('residents').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Residents whose home region starts with `prefix`, by id: who a regional rule set governs. */
  async regionsUnder(prefix: string, limit: number): Promise<{ id: string; address_region: string }[]> {
    // Residents a sunset destroyed are no one's to decide: their shredded rows are left out.
    return this.db.selectFrom('residents').select(['id', 'address_region']).where('address_region', 'like', `${prefix}%`).where('name_enc', '!=', SHREDDED).orderBy('id').limit(limit).execute();
  }

  /** Some resident's id, if there is any resident at all. */
  async anyId(): Promise<string | undefined> {
    return (await this.db.selectFrom('residents').select('id').limit(1).executeTakeFirst())?.id;
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('residents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** A residents row opened: every personal field decrypted under its own context. */
/**
 * The resident `insert` has just written, as `openResident` would read it back: what registration
 * answers with, with no second round trip and no decryption of what it has just sealed.
 */
export function writtenResident(id: string, registration: Registration, now: number, phoneVerifiedAt: number | null = null): Resident {
  const { type, number, country } = registration.identity;
  return {
    id,
    name: registration.name,
    // As openResident reads the sealed JSON back: the document's type as written (a visitor's too).
    identity: { type, number, ...(country ? { country } : {}) } as Resident['identity'],
    phone: registration.phone,
    address: { region: registration.address.region, detail: registration.address.detail },
    phoneVerifiedAt,
    identityRevokedAt: null,
    identityCheckedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function openResident(cipher: FieldCipher, row: Omit<ResidentsTable, 'facts_version' | 'sms_script'>): Resident {
  const c = (field: string) => `resident:${row.id}:${field}`;
  const identity = JSON.parse(cipher.decrypt(row.identity_enc, c('identity'))) as Resident['identity'];
  return {
    id: row.id,
    name: cipher.decrypt(row.name_enc, c('name')),
    identity,
    phone: row.phone_enc === null ? null : cipher.decrypt(row.phone_enc, c('phone')),
    address: { region: row.address_region, detail: cipher.decrypt(row.address_enc, c('address')) },
    phoneVerifiedAt: row.phone_verified_at,
    identityRevokedAt: row.identity_revoked_at,
    identityCheckedAt: row.identity_checked_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
