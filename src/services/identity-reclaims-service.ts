import { maskIdNumber, maskName } from '../domain/masking.js';
import type { Registration, Relationship } from '../domain/resident.js';
import { isUniqueViolation } from '../store/database.js';
import { IdentityReclaimsStore, type IdentityReclaim, type ReclaimMethod } from '../store/identity-reclaims-store.js';
import { ResidentsStore } from '../store/residents-store.js';
import type { AuditService } from './audit-service.js';
import type { ServiceContext } from './context.js';
import { regionEndedError } from './ended-regions.js';
import { placePhoneRecords } from './phone-records.js';
import { ConflictError, NotFoundError } from './service-errors.js';
import { SMS_TEXTS } from './sms-texts.js';
import type { StaffMember } from './staff-service.js';

export const RECLAIM_METHODS: readonly ReclaimMethod[] = ['authority-record', 'in-person'];

/** What the authority's queue shows of a reclaim: enough to check the person, masked like everywhere else. */
export interface ReclaimView {
  id: string;
  maskedName: string;
  idType: string;
  maskedIdNumber: string;
  forHouseholdMember: boolean;
  status: IdentityReclaim['status'];
  createdAt: string;
  resolvedAt: string | null;
  method: ReclaimMethod | null;
}

const view = (r: IdentityReclaim): ReclaimView => ({
  id: r.id,
  maskedName: maskName(r.registration.name),
  idType: r.registration.identity.type,
  maskedIdNumber: maskIdNumber(r.registration.identity.number),
  forHouseholdMember: r.guardianId !== null,
  status: r.status,
  createdAt: new Date(r.createdAt).toISOString(),
  resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt).toISOString(),
  method: r.method,
});

/**
 * Anyone could register a real person's ID number first. Its real holder gets it back: registering
 * with it opens a reclaim, the authority checks who holds the document (its identity records, or
 * the document in person) and approves; the account holding it loses it, and the holder gets one.
 */
export class IdentityReclaimsService {
  private readonly reclaims: IdentityReclaimsStore;
  private readonly residents: ResidentsStore;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditService,
  ) {
    this.reclaims = ctx.stores.reclaims;
    this.residents = ctx.stores.residents;
  }

  /** Opens a reclaim for a registration whose document another account holds; returns its id. */
  async open(claim: { registration: Registration; phoneProvenAt: number | null; guardianId?: string; relationship?: Relationship }): Promise<string> {
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    await this.reclaims.insert({
      id,
      idIndex: this.residents.identityIndex(claim.registration.address.region, claim.registration.identity.key),
      registration: claim.registration,
      phoneProvenAt: claim.phoneProvenAt,
      guardianId: claim.guardianId ?? null,
      relationship: claim.relationship ?? null,
      now,
    });
    // The claimant's phone is now about the district of their claim, and goes with it at its sunset.
    if (claim.registration.phone !== null && claim.guardianId === undefined) await placePhoneRecords(this.ctx, claim.registration.phone, claim.registration.address.region);
    await this.audit.append('identity reclaim', 'open-identity-reclaim', 'a registration found its identity document held by another account', claim.guardianId ?? null, { reclaimId: id });
    return id;
  }

  async pending(limit = 200): Promise<ReclaimView[]> {
    const ids = await this.reclaims.idsWithStatus('pending', limit);
    const out: ReclaimView[] = [];
    for (const id of ids) out.push(view((await this.reclaims.findById(id))!));
    return out;
  }

  /**
   * The authority has checked who holds the document: the account holding it loses it, and the
   * claimant gets an account (or, for a household member, one under the guardian who claimed).
   */
  async approve(staff: StaffMember, id: string, input: { method: ReclaimMethod; note: string }): Promise<ReclaimView & { residentId: string }> {
    const now = this.ctx.clock.now().getTime();
    const { reclaim, holderId, residentId } = await this.ctx.store.transaction(async (trx) => {
      const reclaims = this.reclaims.withTransaction(trx);
      const residents = this.residents.withTransaction(trx);
      const found = await reclaims.findById(id);
      if (!found) throw new NotFoundError('identity reclaim');
      if (found.status !== 'pending') throw new ConflictError(`this reclaim was already ${found.status}`);
      const holder = await residents.findIdByIdentityKey(found.registration.identity.key);
      if (holder !== undefined) await residents.revokeIdentity(holder, now);
      const newId = this.ctx.newId();
      try {
        if (!(await residents.insert(newId, found.registration, now, found.guardianId === null ? found.phoneProvenAt : null))) {
          throw new ConflictError(`the claimant's address: ${regionEndedError(found.registration.address.region).errors[0]!.message}`);
        }
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError("the claimant's phone now belongs to another account: ask them to register again");
        throw error;
      }
      if (found.guardianId !== null) await residents.addGuardianship(found.guardianId, newId, found.relationship ?? 'other', now);
      if (!(await reclaims.resolve(id, { status: 'approved', at: now, by: staff.id, method: input.method, residentId: newId }))) throw new ConflictError('this reclaim was resolved a moment ago');
      return { reclaim: found, holderId: holder, residentId: newId };
    });
    const purpose = `identity reclaim ${id}: ${input.note}`;
    await this.audit.appendBy(staff, 'approve-identity-reclaim', purpose, residentId, { reclaimId: id, method: input.method });
    if (holderId !== undefined) {
      // No identity stands behind the holder's account now, nor behind those it vouched for.
      await this.ctx.stores.decisions.invalidate(await this.residents.householdIds(holderId));
      await this.audit.appendBy(staff, 'revoke-identity', purpose, holderId, { reclaimId: id, method: input.method });
      const holder = await this.residents.findById(holderId);
      if (holder?.phone) await this.ctx.sms.send(holder.phone, SMS_TEXTS.identityRevoked());
    }
    const claimantPhone = reclaim.registration.phone;
    if (claimantPhone) await placePhoneRecords(this.ctx, claimantPhone, reclaim.registration.address.region);
    if (claimantPhone) await this.ctx.sms.send(claimantPhone, SMS_TEXTS.reclaimApproved());
    return { ...view((await this.reclaims.findById(id))!), residentId };
  }

  async reject(staff: StaffMember, id: string, note: string): Promise<ReclaimView> {
    const found = await this.reclaims.findById(id);
    if (!found) throw new NotFoundError('identity reclaim');
    const now = this.ctx.clock.now().getTime();
    if (!(await this.reclaims.resolve(id, { status: 'rejected', at: now, by: staff.id, method: null, residentId: null }))) throw new ConflictError(`this reclaim was already ${found.status}`);
    await this.audit.appendBy(staff, 'reject-identity-reclaim', `identity reclaim ${id}: ${note}`, found.guardianId, { reclaimId: id });
    return view((await this.reclaims.findById(id))!);
  }
}
