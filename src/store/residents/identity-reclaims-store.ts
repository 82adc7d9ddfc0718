import { smsScriptOf, type SmsScript } from '../../domain/sms-script.js';
import type { Kysely, Transaction } from 'kysely';
import type { Registration, Relationship } from '../../domain/resident.js';
import { FieldCipher, REGION_INDEX_PREFIX } from '../../privacy/field-cipher.js';
import { INDEX_ID } from './resident-lookups-store.js';
import type { Database } from '../schema.js';
import { CompiledLists } from '../compiled-query.js';

type Db = Kysely<Database> | Transaction<Database>;

/** pending → proposed (one authority checked) → approved (a second one did); rejected from either. */
export type ReclaimStatus = 'pending' | 'proposed' | 'approved' | 'rejected';
export type ReclaimMethod = 'authority-record' | 'in-person';
/** What an officer checked: where (the public security records, or the document in person), which document, a reference. */
export interface ReclaimEvidence {
  method: ReclaimMethod;
  document: string;
  reference: string;
}
const OPEN: ReclaimStatus[] = ['pending', 'proposed'];

/** A claim to an identity document that another account holds, with the claimant's registration decrypted. */
export interface IdentityReclaim {
  id: string;
  registration: Registration;
  /** When the claimant proved the phone in the registration; null for a household member's claim. */
  phoneProvenAt: number | null;
  /** The script the claimant's registration code was asked in: their texts about the claim, and their account once approved, take it. */
  smsScript: SmsScript;
  guardianId: string | null;
  relationship: Relationship | null;
  /** The household member added while the claim waits, holding no identity until approval. */
  dependentId: string | null;
  status: ReclaimStatus;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  method: ReclaimMethod | null;
  residentId: string | null;
  proposedBy: string | null;
  proposedAt: number | null;
  proposalEvidence: ReclaimEvidence | null;
  approvalEvidence: ReclaimEvidence | null;
}

const context = (id: string) => `identity-reclaim:${id}:claim`;

/** Every decision asks for its residents' claimants (a declaration decides one): compiled once per list length. */
const claimantsOf = () =>
  new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db
      .selectFrom('identity_reclaims')
      .innerJoin('residents', 'residents.id_index', 'identity_reclaims.id_index')
      .select('identity_reclaims.dependent_id')
      .where('residents.id', 'in', ids as readonly string[])
      .where('identity_reclaims.dependent_id', 'is not', null)
      .where('identity_reclaims.status', 'in', OPEN)
      .compile(),
  );

/** Identity reclaims; the claim (name, document, phone, address) is encrypted like a resident's fields. */
export class IdentityReclaimsStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
    /** Compiled once for the store and every store made from it for a transaction. */
    private readonly compiled = { claimantsOf: claimantsOf() },
  ) {}

  withTransaction(trx: Transaction<Database>): IdentityReclaimsStore {
    return new IdentityReclaimsStore(trx, this.cipher, this.compiled);
  }

  async insert(r: { id: string; idIndex: string; registration: Registration; phoneProvenAt: number | null; smsScript?: SmsScript; guardianId: string | null; relationship: Relationship | null; dependentId?: string | null; now: number }): Promise<void> {
    await this.db
      .insertInto('identity_reclaims')
      .values({
        id: r.id,
        id_index: r.idIndex,
        // Under the claimant's district key, so that the district's sunset destroys the claim with it.
        claim_enc: this.cipher.encryptIn(r.registration.address.region, JSON.stringify({ registration: r.registration, phoneProvenAt: r.phoneProvenAt, smsScript: r.smsScript ?? 'zh-CN' }), context(r.id)),
        guardian_id: r.guardianId,
        relationship: r.relationship,
        status: 'pending',
        created_at: r.now,
        resolved_at: null,
        resolved_by: null,
        method: null,
        resident_id: null,
        dependent_id: r.dependentId ?? null,
      })
      .execute();
  }

  async findById(id: string): Promise<(IdentityReclaim & { idIndex: string }) | undefined> {
    const row = await this.db.selectFrom('identity_reclaims').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const claim = JSON.parse(this.cipher.decrypt(row.claim_enc, context(row.id))) as { registration: Registration; phoneProvenAt: number | null; smsScript?: string };
    return {
      id: row.id,
      idIndex: row.id_index,
      registration: claim.registration,
      phoneProvenAt: claim.phoneProvenAt,
      // Claims sealed before scripts were kept carry none: Simplified, as their texts were.
      smsScript: smsScriptOf(claim.smsScript),
      guardianId: row.guardian_id,
      relationship: row.relationship as Relationship | null,
      status: row.status as ReclaimStatus,
      createdAt: row.created_at,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by,
      method: row.method as ReclaimMethod | null,
      residentId: row.resident_id,
      dependentId: row.dependent_id,
      proposedBy: row.proposed_by,
      proposedAt: row.proposed_at,
      proposalEvidence: row.proposal_evidence === null ? null : (JSON.parse(row.proposal_evidence) as ReclaimEvidence),
      approvalEvidence: row.approval_evidence === null ? null : (JSON.parse(row.approval_evidence) as ReclaimEvidence),
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
   * Moves claims' document indexes from before districts had index keys to the holder's district's (and
   * claims sealed under the master key under their district's key), `limit` at a time; returns how
   * many it moved. Compared and set per row, so a run stopped half-way is taken up by the next.
   */
  async indexUnderRegionKeys(limit: number): Promise<number> {
    const rows = await this.db.selectFrom('identity_reclaims').select(['id', 'id_index', 'claim_enc']).where('id_index', 'not like', `${REGION_INDEX_PREFIX}%`).limit(limit).execute();
    for (const row of rows) {
      const plain = this.cipher.decrypt(row.claim_enc, context(row.id));
      const { registration } = JSON.parse(plain) as { registration: Registration };
      const region = registration.address.region;
      // The index as the account holding the document is indexed (its district's key), so that a
      // claim from another district still joins the holder's facts; the claim stays sealed under its own.
      const holder = await this.db.selectFrom('residents').select('address_region').where('id_index', 'in', this.cipher.lookupIndexes(INDEX_ID, registration.identity.key)).executeTakeFirst();
      await this.db
        .updateTable('identity_reclaims')
        .set({ id_index: this.cipher.regionIndex(holder?.address_region ?? region, INDEX_ID, registration.identity.key), claim_enc: FieldCipher.inRegion(row.claim_enc) ? row.claim_enc : this.cipher.encryptIn(region, plain, context(row.id)) })
        .where('id', '=', row.id)
        .where('id_index', '=', row.id_index)
        .execute();
    }
    return rows.length;
  }

  /** How many reclaims are not yet resolved (pending or proposed). */
  async countOpen(): Promise<number> {
    const row = await this.db.selectFrom('identity_reclaims').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', OPEN).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Reclaims not yet resolved (pending or proposed), oldest first. */
  async idsOpen(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('identity_reclaims').select('id').where('status', 'in', OPEN).orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** One authority's check: a pending reclaim becomes proposed; false if it was not pending. */
  async propose(id: string, r: { by: string; at: number; evidence: ReclaimEvidence }): Promise<boolean> {
    const result = await this.db
      .updateTable('identity_reclaims')
      .set({ status: 'proposed', proposed_by: r.by, proposed_at: r.at, proposal_evidence: JSON.stringify(r.evidence) })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Resolves a reclaim: approval only from proposed, by someone other than who proposed it (checked
   * in the statement, so a race cannot slip past it); rejection from either open state. False if it
   * was not in that state.
   */
  async resolve(id: string, r: { status: 'approved' | 'rejected'; at: number; by: string; method: ReclaimMethod | null; residentId: string | null; evidence?: ReclaimEvidence }): Promise<boolean> {
    let query = this.db
      .updateTable('identity_reclaims')
      .set({ status: r.status, resolved_at: r.at, resolved_by: r.by, method: r.method, resident_id: r.residentId, approval_evidence: r.evidence ? JSON.stringify(r.evidence) : null })
      .where('id', '=', id);
    query = r.status === 'approved' ? query.where('status', '=', 'proposed').where('proposed_by', '!=', r.by) : query.where('status', 'in', OPEN);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * For household members added while their claim waits: the blind index of the document they
   * claim. Authority records about that document (held by the account that has it) still decide
   * their colour, so a claim never turns a person at risk green.
   */
  async claimedIndexes(dependentIds: string[]): Promise<Map<string, string>> {
    if (dependentIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('identity_reclaims').select(['dependent_id', 'id_index']).where('dependent_id', 'in', dependentIds).where('status', 'in', OPEN).execute();
    return new Map(rows.map((r) => [r.dependent_id!, r.id_index]));
  }

  /** Household members whose open claim is to a document one of these residents holds. */
  async claimantsOf(residentIds: string[]): Promise<string[]> {
    if (residentIds.length === 0) return [];
    const rows = await this.compiled.claimantsOf.run(this.db, residentIds);
    return rows.map((r) => r.dependent_id!);
  }
}
