import { smsScriptOf, type SmsScript } from '../../domain/sms-script.js';
import { checkTypedPurpose, fixedPurpose, typedPurpose } from '../../domain/audit-wording.js';
import type { Transaction } from 'kysely';
import { FieldErrorCollector, InvalidInputError } from '../../domain/field-errors.js';
import { maskIdNumber, maskName } from '../../domain/masking.js';
import { checkText, type Registration, type Relationship } from '../../domain/resident.js';
import { isUniqueViolation } from '../../store/database.js';
import { IdentityReclaimsStore, type IdentityReclaim, type ReclaimEvidence, type ReclaimMethod } from '../../store/residents/identity-reclaims-store.js';
import type { HouseholdsStore } from '../../store/residents/households-store.js';
import type { ResidentLookupsStore } from '../../store/residents/resident-lookups-store.js';
import type { ResidentsStore } from '../../store/residents/residents-store.js';
import type { Database } from '../../store/schema.js';
import type { AuditService } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import { regionEndedError } from '../ended-regions.js';
import { placePhoneRecords } from './phone-records.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../service-errors.js';
import { SMS_TEXTS } from '../sms-texts.js';
import { answersFor, type StaffMember } from '../staff-service.js';

export const RECLAIM_METHODS: readonly ReclaimMethod[] = ['authority-record', 'in-person'];
export const MAX_EVIDENCE_LENGTH = 100;

/** A note is the log entry's purpose: it may not pass for one the system writes. */
function refuseFixedNote(note: string): void {
  const typed = checkTypedPurpose('note', note);
  if (typed) throw new InvalidInputError([typed]);
}

/** What the authority's queue shows of a reclaim: enough to check the person, masked like everywhere else. */
export interface ReclaimView {
  id: string;
  maskedName: string;
  idType: string;
  maskedIdNumber: string;
  forHouseholdMember: boolean;
  status: IdentityReclaim['status'];
  createdAt: number;
  /** The authority who proposed approval, and what they checked; a different one approves. */
  proposedBy: string | null;
  proposedAt: number | null;
  proposalEvidence: ReclaimEvidence | null;
  approvalEvidence: ReclaimEvidence | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  method: ReclaimMethod | null;
}

const view = (r: IdentityReclaim): ReclaimView => ({
  id: r.id,
  maskedName: maskName(r.registration.name),
  idType: r.registration.identity.type,
  maskedIdNumber: maskIdNumber(r.registration.identity.number, r.registration.identity.type),
  forHouseholdMember: r.guardianId !== null,
  status: r.status,
  createdAt: r.createdAt,
  proposedBy: r.proposedBy,
  proposedAt: r.proposedAt,
  proposalEvidence: r.proposalEvidence,
  approvalEvidence: r.approvalEvidence,
  resolvedBy: r.resolvedBy,
  resolvedAt: r.resolvedAt,
  method: r.method,
});

/** An officer's account of their check: where, which document, a reference; each named when missing. */
export function checkEvidence(input: unknown): ReclaimEvidence {
  const errors = new FieldErrorCollector();
  const e = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof input !== 'object' || input === null) errors.add('evidence', 'is required: which document was checked, where, and a reference');
  else {
    if (!(RECLAIM_METHODS as readonly unknown[]).includes(e.method)) errors.add('evidence.method', `must be one of ${RECLAIM_METHODS.join(', ')}`);
    for (const field of ['document', 'reference'] as const) {
      if (typeof e[field] !== 'string') errors.add(`evidence.${field}`, 'is required');
      else checkText(errors, `evidence.${field}`, e[field], MAX_EVIDENCE_LENGTH);
    }
  }
  errors.throwIfAny();
  return { method: e.method as ReclaimMethod, document: e.document as string, reference: e.reference as string };
}

/**
 * Anyone could register a real person's ID number first, or give it for a household member. Its
 * real holder gets it back: registering with it opens a reclaim (giving it for a household member
 * opens one too, silently); one authority checks who holds the document (its identity records, or
 * the document in person) and proposes, a second checks and approves; the account holding it loses
 * it, and the claimant gets it.
 */
export class IdentityReclaimsService {
  private readonly reclaims: IdentityReclaimsStore;
  private readonly residents: ResidentsStore;
  private readonly lookups: ResidentLookupsStore;
  private readonly households: HouseholdsStore;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditService,
  ) {
    this.reclaims = ctx.stores.reclaims;
    this.residents = ctx.stores.residents;
    this.lookups = ctx.stores.residentLookups;
    this.households = ctx.stores.households;
  }

  /** Opens a reclaim for a registration whose document another account holds; returns its id. */
  async open(claim: { registration: Registration; phoneProvenAt: number | null; smsScript?: SmsScript }): Promise<string> {
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    const region = claim.registration.address.region;
    await this.reclaims.insert({ id, idIndex: await this.holderIndex(this.lookups, claim.registration), registration: claim.registration, phoneProvenAt: claim.phoneProvenAt, smsScript: claim.smsScript, guardianId: null, relationship: null, now });
    // The claimant's phone is now about the district of their claim, and goes with it at its sunset.
    if (claim.registration.phone !== null) await placePhoneRecords(this.ctx, claim.registration.phone, region);
    await this.audit.append('identity reclaim', 'open-identity-reclaim', fixedPurpose('identity-taken-at-registration'), null, { reclaimId: id });
    return id;
  }

  /** Records, in the transaction adding the household member, their claim to a document another account holds. */
  async openForHousehold(trx: Transaction<Database>, claim: { registration: Registration; guardianId: string; relationship: Relationship; dependentId: string }): Promise<string> {
    const id = this.ctx.newId();
    await this.reclaims.withTransaction(trx).insert({ id, idIndex: await this.holderIndex(this.lookups.withTransaction(trx), claim.registration), registration: claim.registration, phoneProvenAt: null, guardianId: claim.guardianId, relationship: claim.relationship, dependentId: claim.dependentId, now: this.ctx.clock.now().getTime() });
    return id;
  }

  /**
   * The claimed document's index as the account holding it is indexed, under the holder's district
   * key whichever district the claimant gave: a household member's colour joins the holder's facts
   * by it. At the holder's district's sunset that key is destroyed, so the index left on a claim of
   * another district confirms nothing. With no holder found (gone a moment ago), the claimant's.
   */
  private async holderIndex(lookups: ResidentLookupsStore, registration: Registration): Promise<string> {
    const holder = await lookups.findByIdentityKey(registration.identity.key);
    return lookups.identityIndex(holder?.region ?? registration.address.region, registration.identity.key);
  }

  /**
   * After a household claim is recorded: the holder's access log, and an SMS to whoever answers for
   * the account holding the document (its phone, or its relatives'), out of band; the relative who
   * gave the number is told nothing until an authority has decided.
   */
  async announceHouseholdClaim(reclaimId: string): Promise<void> {
    const found = await this.reclaims.findById(reclaimId);
    const holder = found && (await this.lookups.findIdByIdentityKey(found.registration.identity.key));
    await this.audit.append('identity reclaim', 'open-identity-reclaim', fixedPurpose('identity-taken-by-household-member'), holder ?? null, { reclaimId });
    if (holder) for (const { phone, script } of await this.phonesAnsweringFor(holder)) await this.ctx.sms.send(phone, SMS_TEXTS.identityClaimed(script));
  }

  async pending(limit = 200): Promise<ReclaimView[]> {
    const out: ReclaimView[] = [];
    for (const id of await this.reclaims.idsOpen(limit)) out.push(view((await this.reclaims.findById(id))!));
    return out;
  }

  /**
   * The queue as one authority sees it: the reclaims they may settle (the region of the account
   * holding the document within theirs, or the claimant's when none holds it), the read audited, as
   * masked names and ID numbers are personal data.
   */
  async queue(staff: StaffMember, limit = 200): Promise<ReclaimView[]> {
    const out: ReclaimView[] = [];
    for (const id of await this.reclaims.idsOpen(limit)) {
      const found = (await this.reclaims.findById(id))!;
      if (await this.answersForAll(staff, found)) out.push(view(found));
    }
    await this.audit.appendBy(staff, 'read-identity-reclaims', fixedPurpose('settle-identity-reclaims'), null, { count: out.length });
    return out;
  }

  /**
   * Whether the officer answers for the reclaim: for the region of the account holding the document
   * (its records are what is checked, and its resident loses it), or, with none holding it, the
   * claimant's. A claim from another district is thus settled by the holder's district, not only by
   * an officer over both.
   */
  private async answersForAll(staff: StaffMember, reclaim: IdentityReclaim): Promise<boolean> {
    const holder = await this.lookups.findByIdentityKey(reclaim.registration.identity.key);
    return answersFor(staff, holder?.region ?? reclaim.registration.address.region);
  }

  private async requireAnswersFor(staff: StaffMember, reclaim: IdentityReclaim): Promise<void> {
    if (!(await this.answersForAll(staff, reclaim))) throw new ForbiddenError(`${staff.name} does not answer for the region of the account holding this document`, { reason: 'outside-jurisdiction' });
  }

  /** The first authority's check, with its evidence: the reclaim waits for a second authority. */
  async propose(staff: StaffMember, id: string, input: { evidence?: unknown; note: string }): Promise<ReclaimView> {
    refuseFixedNote(input.note);
    const evidence = checkEvidence(input.evidence);
    const found = await this.reclaims.findById(id);
    if (!found) throw new NotFoundError('identity reclaim');
    await this.requireAnswersFor(staff, found);
    if (!(await this.reclaims.propose(id, { by: staff.id, at: this.ctx.clock.now().getTime(), evidence }))) throw new ConflictError(`this reclaim is already ${(await this.reclaims.findById(id))!.status}`);
    await this.audit.appendBy(staff, 'propose-identity-reclaim', typedPurpose(input.note), found.guardianId, { reclaimId: id, evidence });
    return view((await this.reclaims.findById(id))!);
  }

  /**
   * A second authority, having checked too, approves: the account holding the document loses it,
   * and the claimant gets an account (or their household member, added while the claim waited,
   * takes the document, checked).
   */
  async approve(staff: StaffMember, id: string, input: { evidence?: unknown; note: string }): Promise<ReclaimView & { residentId: string }> {
    refuseFixedNote(input.note);
    const evidence = checkEvidence(input.evidence);
    const asked = await this.reclaims.findById(id);
    if (!asked) throw new NotFoundError('identity reclaim');
    await this.requireAnswersFor(staff, asked);
    const now = this.ctx.clock.now().getTime();
    const { reclaim, holderId, residentId } = await this.ctx.database.transaction(async (trx) => {
      const reclaims = this.reclaims.withTransaction(trx);
      const residents = this.residents.withTransaction(trx);
      const lookups = this.lookups.withTransaction(trx);
      const households = this.households.withTransaction(trx);
      const found = await reclaims.findById(id);
      if (!found) throw new NotFoundError('identity reclaim');
      if (found.status === 'pending') throw new ConflictError('one authority proposes a reclaim, with what they checked, before another approves it');
      if (found.status !== 'proposed') throw new ConflictError(`this reclaim was already ${found.status}`);
      if (found.proposedBy === staff.id) throw new ForbiddenError('the authority who proposed this reclaim may not approve it too: a second one must check', { reason: 'second-authority' });
      const holder = await lookups.findIdByIdentityKey(found.registration.identity.key);
      if (holder !== undefined) await residents.revokeIdentity(holder, now);
      let newId = found.dependentId;
      if (newId !== null) {
        // Their relative may have deleted them (and their account) while the claim waited.
        if (!(await residents.findById(newId))) throw new ConflictError('the household member this claim was for no longer exists: reject it');
        await residents.takeIdentity(newId, found.registration.identity.key, now);
      }
      else {
        newId = this.ctx.newId();
        try {
          if (!(await residents.insert(newId, found.registration, now, found.guardianId === null ? found.phoneProvenAt : null))) {
            throw new ConflictError(`the claimant's address: ${regionEndedError(found.registration.address.region).errors[0]!.message}`);
          }
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError("the claimant's phone now belongs to another account: ask them to register again");
          throw error;
        }
        if (found.guardianId !== null) await households.addGuardianship(found.guardianId, newId, found.relationship ?? 'other', now);
        // The claimant's own account reads its texts as their registration code was asked.
        else await residents.rememberSmsScript(newId, found.smsScript, now);
      }
      if (!(await reclaims.resolve(id, { status: 'approved', at: now, by: staff.id, method: evidence.method, residentId: newId, evidence }))) throw new ConflictError('this reclaim was resolved a moment ago');
      return { reclaim: found, holderId: holder, residentId: newId };
    });
    const purpose = typedPurpose(input.note);
    const detail = { reclaimId: id, proposedBy: reclaim.proposedBy, proposalEvidence: reclaim.proposalEvidence, evidence, method: evidence.method };
    await this.audit.appendBy(staff, 'approve-identity-reclaim', purpose, residentId, detail);
    await this.ctx.stores.decisions.invalidate([residentId]);
    if (holderId !== undefined) {
      // No identity stands behind the holder's account now, nor behind those it vouched for.
      await this.ctx.stores.decisions.invalidate(await this.households.householdIds(holderId));
      await this.audit.appendBy(staff, 'revoke-identity', purpose, holderId, detail);
      for (const { phone, script } of await this.phonesAnsweringFor(holderId)) await this.ctx.sms.send(phone, SMS_TEXTS.identityRevoked(script));
    }
    const claimantPhone = reclaim.registration.phone;
    if (claimantPhone) await placePhoneRecords(this.ctx, claimantPhone, reclaim.registration.address.region);
    if (claimantPhone) await this.ctx.sms.send(claimantPhone, SMS_TEXTS.reclaimApproved(reclaim.smsScript));
    const guardian = reclaim.guardianId === null ? undefined : await this.phoneOf(reclaim.guardianId);
    if (guardian) await this.ctx.sms.send(guardian.phone, SMS_TEXTS.householdClaimApproved(guardian.script));
    return { ...view((await this.reclaims.findById(id))!), residentId };
  }

  /** Refused: a household member added while the claim waited keeps no identity (gray), and their relative is told. */
  async reject(staff: StaffMember, id: string, note: string): Promise<ReclaimView> {
    refuseFixedNote(note);
    const found = await this.reclaims.findById(id);
    if (!found) throw new NotFoundError('identity reclaim');
    await this.requireAnswersFor(staff, found);
    const now = this.ctx.clock.now().getTime();
    if (!(await this.reclaims.resolve(id, { status: 'rejected', at: now, by: staff.id, method: null, residentId: null }))) throw new ConflictError(`this reclaim was already ${(await this.reclaims.findById(id))!.status}`);
    await this.audit.appendBy(staff, 'reject-identity-reclaim', typedPurpose(note), found.guardianId, { reclaimId: id });
    if (found.dependentId !== null) {
      await this.residents.revokeIdentity(found.dependentId, now);
      await this.ctx.stores.decisions.invalidate([found.dependentId]);
      const guardian = found.guardianId === null ? undefined : await this.phoneOf(found.guardianId);
      if (guardian) await this.ctx.sms.send(guardian.phone, SMS_TEXTS.householdClaimRejected(guardian.script));
    }
    return view((await this.reclaims.findById(id))!);
  }

  /** Who answers for an account: its own phone, or, for a household member, their relatives', each in the script its holder reads. */
  private async phonesAnsweringFor(residentId: string): Promise<{ phone: string; script: SmsScript }[]> {
    const own = await this.phoneOf(residentId);
    if (own) return [own];
    const phones: { phone: string; script: SmsScript }[] = [];
    for (const g of await this.households.guardiansOf(residentId)) {
      const relative = await this.phoneOf(g.guardianId);
      if (relative) phones.push(relative);
    }
    return phones;
  }

  /** An account's phone, if it has one, and the script its texts are written in. */
  private async phoneOf(residentId: string): Promise<{ phone: string; script: SmsScript } | undefined> {
    const phone = (await this.residents.findById(residentId))?.phone;
    if (!phone) return undefined;
    return { phone, script: smsScriptOf((await this.residents.smsScripts([residentId])).get(residentId)) };
  }
}
