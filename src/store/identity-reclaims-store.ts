import type { Kysely, Transaction } from 'kysely';
import type { Registration, Relationship } from '../domain/resident.js';
import { FieldCipher, REGION_INDEX_PREFIX } from '../privacy/field-cipher.js';
import { INDEX_ID } from './residents-store.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ReclaimStatus = 'pending' | 'approved' | 'rejected';
export type ReclaimMethod = 'authority-record' | 'in-person';

/** A claim to an identity document that another account holds, with the claimant's registration decrypted. */
export interface IdentityReclaim {
  id: string;
  registration: Registration;
  /** When the claimant proved the phone in the registration; null for a household member's claim. */
  phoneProvenAt: number | null;
  guardianId: string | null;
  relationship: Relationship | null;
  status: ReclaimStatus;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  method: ReclaimMethod | null;
  residentId: string | null;
}

const context = (id: string) => `identity-reclaim:${id}:claim`;

/** Identity reclaims; the claim (name, document, phone, address) is encrypted like a resident's fields. */
export class IdentityReclaimsStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
  ) {}

  withTransaction(trx: Transaction<Database>): IdentityReclaimsStore {
    return new IdentityReclaimsStore(trx, this.cipher);
  }

  async insert(r: { id: string; idIndex: string; registration: Registration; phoneProvenAt: number | null; guardianId: string | null; relationship: Relationship | null; now: number }): Promise<void> {
    await this.db
      .insertInto('identity_reclaims')
      .values({
        id: r.id,
        id_index: r.idIndex,
        // Under the claimant's district key, so that the district's sunset destroys the claim with it.
        claim_enc: this.cipher.encryptIn(r.registration.address.region, JSON.stringify({ registration: r.registration, phoneProvenAt: r.phoneProvenAt }), context(r.id)),
        guardian_id: r.guardianId,
        relationship: r.relationship,
        status: 'pending',
        created_at: r.now,
        resolved_at: null,
        resolved_by: null,
        method: null,
        resident_id: null,
      })
      .execute();
  }

  async findById(id: string): Promise<(IdentityReclaim & { idIndex: string }) | undefined> {
    const row = await this.db.selectFrom('identity_reclaims').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const claim = JSON.parse(this.cipher.decrypt(row.claim_enc, context(row.id))) as { registration: Registration; phoneProvenAt: number | null };
    return {
      id: row.id,
      idIndex: row.id_index,
      registration: claim.registration,
      phoneProvenAt: claim.phoneProvenAt,
      guardianId: row.guardian_id,
      relationship: row.relationship as Relationship | null,
      status: row.status as ReclaimStatus,
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by,
      method: row.method as ReclaimMethod | null,
      residentId: row.resident_id,
    };
  }

  /**
   * Claims that made no account (pending or rejected) whose claimant gave an address under `prefix`:
   * what a sunset of that region deletes beside its residents' rows. Claims sealed before district
   * keys are opened to read the address.
   */
  async idsOfClaimsIn(prefix: string): Promise<string[]> {
    const rows = await this.db.selectFrom('identity_reclaims').select(['id', 'claim_enc']).where('resident_id', 'is', null).execute();
    const regionOf = (row: { id: string; claim_enc: string }) => FieldCipher.regionOf(row.claim_enc) ?? (JSON.parse(this.cipher.decrypt(row.claim_enc, context(row.id))) as { registration: Registration }).registration.address.region;
    return rows.filter((row) => regionOf(row).startsWith(prefix)).map((row) => row.id);
  }

  /**
   * Moves claims' document indexes from before districts had index keys to their district's (and
   * claims sealed under the master key under their district's key), `limit` at a time; returns how
   * many it moved. Compared and set per row, so a run stopped half-way is taken up by the next.
   */
  async indexUnderRegionKeys(limit: number): Promise<number> {
    const rows = await this.db.selectFrom('identity_reclaims').select(['id', 'id_index', 'claim_enc']).where('id_index', 'not like', `${REGION_INDEX_PREFIX}%`).limit(limit).execute();
    for (const row of rows) {
      const plain = this.cipher.decrypt(row.claim_enc, context(row.id));
      const { registration } = JSON.parse(plain) as { registration: Registration };
      const region = registration.address.region;
      await this.db
        .updateTable('identity_reclaims')
        .set({ id_index: this.cipher.regionIndex(region, INDEX_ID, registration.identity.key), claim_enc: FieldCipher.inRegion(row.claim_enc) ? row.claim_enc : this.cipher.encryptIn(region, plain, context(row.id)) })
        .where('id', '=', row.id)
        .where('id_index', '=', row.id_index)
        .execute();
    }
    return rows.length;
  }

  async idsWithStatus(status: ReclaimStatus, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('identity_reclaims').select('id').where('status', '=', status).orderBy('created_at').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Marks a pending reclaim resolved; false if someone resolved it first. */
  async resolve(id: string, r: { status: 'approved' | 'rejected'; at: number; by: string; method: ReclaimMethod | null; residentId: string | null }): Promise<boolean> {
    const result = await this.db
      .updateTable('identity_reclaims')
      .set({ status: r.status, resolved_at: r.at, resolved_by: r.by, method: r.method, resident_id: r.residentId })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
