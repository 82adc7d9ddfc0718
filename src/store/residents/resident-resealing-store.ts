import type { Kysely, Transaction } from 'kysely';
import { identityKeyOf } from '../../domain/identity/identity-document.js';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import { ResidentLookupsStore } from './resident-lookups-store.js';
import { CLAIMING_PREFIX, LegacyResidentIndexes, unmovedIndexes, unmovedMessages } from './legacy-indexes.js';
import { openResident } from './residents-store.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Residents' data from before districts had keys of their own, brought under their district's keys
 * at start-up: personal fields resealed, blind indexes moved. Each step runs `limit` rows at a time
 * and compares and sets row by row, so a start stopped half-way (a crash) is taken up by the next.
 */
export class ResidentResealingStore {
  private readonly lookups: ResidentLookupsStore;

  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
    /** What the look-ups of this database's stores are told once no index is left to move. */
    private readonly legacy = new LegacyResidentIndexes(),
  ) {
    this.lookups = new ResidentLookupsStore(db, cipher, legacy);
  }

  /**
   * Seals residents' personal fields still under the master key (written before districts had keys
   * of their own) under their district's key, `limit` at a time; returns how many it sealed.
   */
  async sealUnderRegionKeys(limit: number): Promise<number> {
    const rows = await this.db.selectFrom('residents').selectAll().where('name_enc', 'like', 'v1.%').limit(limit).execute();
    for (const row of rows) {
      const c = (field: string) => `resident:${row.id}:${field}`;
      const reseal = (sealed: string, field: string) => this.cipher.encryptIn(row.address_region, this.cipher.decrypt(sealed, c(field)), c(field));
      await this.db
        .updateTable('residents')
        .set({
          identity_enc: reseal(row.identity_enc, 'identity'),
          name_enc: reseal(row.name_enc, 'name'),
          phone_enc: row.phone_enc === null ? null : reseal(row.phone_enc, 'phone'),
          address_enc: reseal(row.address_enc, 'address'),
        })
        .where('id', '=', row.id)
        .where('name_enc', '=', row.name_enc)
        .execute();
    }
    return rows.length;
  }

  /**
   * Moves residents' blind indexes from before they were keyed by district (under the master key)
   * to their district's index key, `limit` at a time; returns how many it moved. Each row is
   * compared and set, so a run stopped half-way (a crash) is taken up by the next start.
   */
  async indexUnderRegionKeys(limit: number): Promise<number> {
    const rows = await this.db.selectFrom('residents').selectAll().where(unmovedIndexes).limit(limit).execute();
    for (const row of rows) {
      const resident = openResident(this.cipher, row);
      const identityKey = identityKeyOf(resident.identity);
      await this.db
        .updateTable('residents')
        .set({
          id_index: row.identity_revoked_at === null && !row.id_index.startsWith(CLAIMING_PREFIX) ? this.lookups.identityIndex(row.address_region, identityKey) : row.id_index,
          phone_index: resident.phone === null ? null : this.lookups.phoneIndex(row.address_region, resident.phone),
        })
        .where('id', '=', row.id)
        .where('id_index', '=', row.id_index)
        .execute();
    }
    return rows.length;
  }

  /**
   * Whether every resident's indexes, and every message to a phone, are under a district key (or the
   * unplaced one) now: when none is left to move, look-ups stop matching the master key's index too
   * (three keyed hashes fewer a registration, and shorter lists to match). A start asks after moving
   * them; until one proves it, look-ups match both, and registrations move messages found under both.
   */
  async proveIndexesMoved(): Promise<boolean> {
    const resident = await this.db.selectFrom('residents').select('id').where(unmovedIndexes).limit(1).executeTakeFirst();
    const message = resident ?? (await this.db.selectFrom('outbox').select('id').where(unmovedMessages).limit(1).executeTakeFirst());
    if (message === undefined) this.legacy.provenGone();
    return message === undefined;
  }

  /** Districts whose residents' fields are sealed under a district key. */
  async sealedRegions(): Promise<string[]> {
    const rows = await this.db.selectFrom('residents').select('address_region').distinct().where('name_enc', 'like', 'v2.%').execute();
    return rows.map((r) => r.address_region);
  }
}
