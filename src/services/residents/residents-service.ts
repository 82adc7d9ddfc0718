import { checkRegistration, RELATIONSHIPS, type Registration, type RegistrationInput, type Relationship } from '../../domain/resident.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { identityKeyOf } from '../../domain/identity/identity-document.js';
import { maskIdNumber, maskName } from '../../domain/masking.js';
import { checkMobileNumber, maskPhone } from '../../domain/phone.js';
import { regionName } from '../../domain/regions.js';
import type { Decision } from '../../domain/rules/decide.js';
import { withheldCause, withholdAuthorityDetail } from '../../domain/decisions/withheld-records.js';
import { isUniqueViolation } from '../../store/database.js';
import type { Transaction } from 'kysely';
import { writtenResident, type Resident } from '../../store/residents/residents-store.js';
import type { Database } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import { declarationView, declarationWritten, type WrittenDeclaration } from './declarations-service.js';
import { regionEndedError } from '../ended-regions.js';
import { phoneRecordsMove } from './phone-records.js';
import { ConflictError, IdentityTakenError, NotFoundError } from '../service-errors.js';

/** What the API shows of a resident: masked, enough to recognise oneself. */
export interface ResidentSummary {
  id: string;
  maskedName: string;
  idType: string;
  maskedIdNumber: string;
  maskedPhone: string | null;
  region: string;
  regionName: string;
  phoneVerified: boolean;
  /** The identity document was reclaimed by its real holder and no longer belongs to this account. */
  identityRevoked: boolean;
  /** Epoch ms. */
  registeredAt: number;
}

export interface DependentSummary extends ResidentSummary {
  relationship: Relationship;
}

/** Records a household member's claim to a document another account holds, in the transaction that adds them. */
export type HouseholdClaim = (trx: Transaction<Database>, claim: { registration: Registration; guardianId: string; relationship: Relationship; dependentId: string }) => Promise<void>;

const PHONE_TAKEN = 'this phone already has an account: sign in with it instead';

export function summarize(resident: Resident): ResidentSummary {
  return {
    id: resident.id,
    maskedName: maskName(resident.name),
    idType: resident.identity.type,
    maskedIdNumber: maskIdNumber(resident.identity.number, resident.identity.type),
    maskedPhone: resident.phone === null ? null : maskPhone(resident.phone),
    region: resident.address.region,
    regionName: regionName(resident.address.region) ?? resident.address.region,
    phoneVerified: resident.phoneVerifiedAt !== null,
    identityRevoked: resident.identityRevokedAt !== null,
    registeredAt: resident.createdAt,
  };
}

/**
 * The personal export's own format (healthcode-export/1), a document the resident keeps: instants as
 * ISO 8601 in UTC, a missing one null. Not the API's wire: the document must read the same whoever serves it.
 */
function exportTime(ms: number): string;
function exportTime(ms: number | null): string | null;
function exportTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export class ResidentsService {
  constructor(private readonly ctx: ServiceContext) {}

  private get residents() {
    return this.ctx.stores.residents;
  }

  private get households() {
    return this.ctx.stores.households;
  }

  private get lookups() {
    return this.ctx.stores.residentLookups;
  }

  /**
   * Registers a resident who signs in with their own phone. Over the API registration first proves
   * the phone (RegistrationService), and passes when it did as `phoneVerifiedAt`.
   */
  async register(input: RegistrationInput, options: { phoneVerifiedAt?: number } = {}): Promise<ResidentSummary> {
    return this.registerChecked(checkRegistration(input, this.ctx.clock.now(), true), options);
  }

  /**
   * Registers a registration already checked (`checkRegistration`). `alongside` writes, in the same
   * transaction and only if the resident was written, what goes with them (a session: one commit for both).
   */
  async registerChecked(registration: Registration, options: { phoneVerifiedAt?: number; alongside?: (trx: Transaction<Database>, residentId: string) => Promise<void> } = {}): Promise<ResidentSummary> {
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    const phoneVerifiedAt = options.phoneVerifiedAt ?? null;
    // One transaction: the resident and their phone's earlier codes and messages, moved under the
    // district's key, are stored together (and committed once). The codes move, and the messages are
    // found, with the insert (on PostgreSQL in its statement); the messages are resealed here.
    const { phone, address } = registration;
    const inserted = await this.insertOrConflict(registration, () =>
      this.ctx.database.transaction(async (trx) => {
        const residents = this.residents.withTransaction(trx);
        if (phone === null) {
          if (!(await residents.insert(id, registration, now, phoneVerifiedAt))) return false;
        } else {
          const messages = await residents.register(id, registration, now, phoneVerifiedAt, phoneRecordsMove(this.ctx, phone, address.region));
          if (messages === undefined) return false;
          await this.ctx.stores.outbox.withTransaction(trx).placeFound(messages, address.region);
        }
        await options.alongside?.(trx, id);
        return true;
      }),
    );
    if (!inserted) throw regionEndedError(registration.address.region);
    // The row just written, not read back: the same summary, without a round trip and four decryptions.
    return summarize(writtenResident(id, registration, now, phoneVerifiedAt));
  }

  /**
   * Registers a household member without a phone (elderly, child) whom `guardianId` acts for. A
   * document another account holds is refused with IdentityTakenError, unless `claim` is given: then
   * the member is added all the same, holding no identity, and `claim` records the claim in the same
   * transaction (RegistrationService), so the answer is the same whether the number was free or not.
   */
  async addDependent(guardianId: string, input: RegistrationInput & { relationship: string }, claim?: HouseholdClaim): Promise<DependentSummary & { claimed?: boolean }> {
    const errors: { field: string; message: string }[] = [];
    if (!(RELATIONSHIPS as readonly string[]).includes(input.relationship)) {
      errors.push({ field: 'relationship', message: `must be one of ${RELATIONSHIPS.join(', ')}` });
    }
    if (input.phone !== undefined) errors.push({ field: 'phone', message: 'a dependent has no phone of their own; register them as a resident instead' });
    let registration: Registration | undefined;
    try {
      registration = checkRegistration(input, this.ctx.clock.now(), false);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      errors.push(...error.errors);
    }
    if (errors.length > 0 || registration === undefined) throw new InvalidInputError(errors);
    const guardian = await this.residents.findById(guardianId);
    if (!guardian) throw new NotFoundError('resident');
    await this.ctx.endedRegions.refuse(registration.address.region);
    if (guardian.phone === null) {
      throw new InvalidInputError([{ field: 'guardian', message: 'a dependent cannot look after another dependent' }]);
    }
    // The same person added twice is refused from what the household itself holds (a member who holds
    // the document or waits on a claim to it alike): a second add must not open a claim against the
    // relative's own household and tell them, by that SMS, that the first add took a free number.
    const household = [guardian, ...(await this.households.dependentsOf(guardianId)).map((d) => d.resident)];
    if (household.some((r) => identityKeyOf(r.identity) === registration!.identity.key)) {
      throw new ConflictError('this person is already in your household', 'idNumber');
    }
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    const valid = registration;
    const relationship = input.relationship as Relationship;
    const add = (holdsIdentity: boolean) =>
      this.ctx.database.transaction(async (trx) => {
        const store = this.residents.withTransaction(trx);
        if (!(await store.insert(id, valid, now, null, holdsIdentity))) throw regionEndedError(valid.address.region);
        await this.households.withTransaction(trx).addGuardianship(guardianId, id, relationship, now);
        if (!holdsIdentity) await claim!(trx, { registration: valid, guardianId, relationship, dependentId: id });
      });
    // One indexed read either way; the insert then either holds the document or waits on a claim.
    let claimed = claim !== undefined && (await this.lookups.findIdByIdentityKey(valid.identity.key)) !== undefined;
    try {
      await this.insertOrConflict(valid, () => add(!claimed));
    } catch (error) {
      // Registered by someone else between the read and the insert.
      if (!(error instanceof IdentityTakenError) || claim === undefined || claimed) throw error;
      claimed = true;
      await add(false);
    }
    return { ...summarize(await this.get(id)), relationship, ...(claim && { claimed }) };
  }

  /** Whether an account uses this phone (as typed); for loaders, never for answers to strangers. */
  async hasPhone(phoneText: string): Promise<boolean> {
    const phone = checkMobileNumber(phoneText);
    return phone.ok && (await this.lookups.findIdByPhone(phone.value)) !== undefined;
  }

  async dependents(guardianId: string): Promise<DependentSummary[]> {
    const list = await this.households.dependentsOf(guardianId);
    return list.map((d) => ({ ...summarize(d.resident), relationship: d.relationship }));
  }

  async summary(id: string): Promise<ResidentSummary> {
    return summarize(await this.get(id));
  }

  async get(id: string): Promise<Resident> {
    const resident = await this.residents.findById(id);
    if (!resident) throw new NotFoundError('resident');
    return resident;
  }

  /**
   * Whether authority records about this resident's ID number are withheld in detail: a household
   * member whose identity stands on nothing but their relative's word (no gate, service point or
   * authority has checked it) may not be who the relative says.
   */
  async recordsWithheld(id: string): Promise<boolean> {
    const standing = await this.residents.identityStanding(id);
    if (!standing) throw new NotFoundError('resident');
    return withheldBy(standing);
  }

  /** Whether `actorId` may act for `residentId`: it is themself, or a dependent they look after. */
  async mayActFor(actorId: string, residentId: string): Promise<boolean> {
    return actorId === residentId || this.households.isGuardianOf(actorId, residentId);
  }

  /** Everything stored about a resident and the dependents they look after, decrypted, as the resident's right of access. */
  async exportData(id: string): Promise<ResidentExport> {
    const resident = await this.get(id);
    const { declarations, signIn: sessions } = this.ctx.stores;
    const personal = async (r: Resident) => ({
      ...(await this.heldAbout(r.id, await this.recordsWithheld(r.id))),
      id: r.id,
      name: r.name,
      identityDocument: r.identity,
      phone: r.phone,
      address: { ...r.address, regionName: regionName(r.address.region) ?? null },
      registeredAt: exportTime(r.createdAt),
      phoneVerifiedAt: exportTime(r.phoneVerifiedAt),
      declarations: (await declarations.listForResident(r.id, 100_000)).map((d) => declarationWritten(declarationView(d), exportTime)),
    });
    const dependents = await this.households.dependentsOf(id);
    return {
      format: 'healthcode-export/1',
      exportedAt: exportTime(this.ctx.clock.now().getTime()),
      resident: await personal(resident),
      guardians: (await this.households.guardiansOf(id)).map((g) => ({ residentId: g.guardianId, relationship: g.relationship, since: exportTime(g.since) })),
      dependents: await Promise.all(dependents.map(async (d) => ({ relationship: d.relationship, ...(await personal(d.resident)) }))),
      sessions: (await sessions.sessionsOf(id)).map((s) => ({
        createdAt: exportTime(s.createdAt),
        expiresAt: exportTime(s.expiresAt),
        revokedAt: exportTime(s.revokedAt),
      })),
    };
  }

  /**
   * Deletes a resident and everything that depends on them: declarations, sessions, household links,
   * scans and visits, appeals, and the dependents nobody else looks after. Returns the ids deleted.
   */
  async deleteAccount(id: string): Promise<string[]> {
    // Every process forgets what it keeps in memory (sessions, codes): the deleted are named nowhere.
    return this.ctx.database.transaction(async (trx) => {
      const store = this.residents.withTransaction(trx);
      if (!(await store.findById(id))) throw new NotFoundError('resident');
      const ids = [id, ...(await this.households.withTransaction(trx).soleDependentsOf(id))];
      // The audit log stays: it records staff, and its chain must not break.
      await this.ctx.stores.scans.withTransaction(trx).deleteOfResidents(ids);
      await store.deleteMany(ids);
      return ids;
    }, { kind: 'everything' });
  }

  /**
   * Check-ins, authority records, travel records and colour decisions held about a resident. With
   * `withheld` (recordsWithheld), the authority's records and travel records are left out, saying
   * only that some exist, and decisions name neither the import that caused them nor when they end.
   */
  private async heldAbout(id: string, withheld: boolean): Promise<Pick<PersonalExport, 'checkIns' | 'authorityRecords' | 'travelRecords' | 'recordsAwaitingIdentityCheck' | 'decisions' | 'appeals' | 'scans'>> {
    const { checkIns: checkInsStore, authorityRecords, decisions: decisionsStore, appeals: appealsStore, scans: scansStore } = this.ctx.stores;
    const checkIns = await checkInsStore.ofResident(id);
    const facts = await authorityRecords.factsOf(id);
    const travel = await authorityRecords.travelOf(id);
    const decisions = (await decisionsStore.history(id)).reverse();
    const appeals = await appealsStore.ofResident(id, 'asc');
    const scans = await scansStore.ofResident(id);
    const decisionView = (d: (typeof decisions)[number]) => {
      const shown = { cause: d.cause, greenOn: exportTime(d.green_on) };
      if (!withheld) return shown;
      const fired = JSON.parse(d.fired) as Decision['rules'];
      const redacted = withholdAuthorityDetail({ colour: d.colour as Decision['colour'], mark: null, evaluatedAt: d.decided_at, ruleSet: { region: d.rule_set_region, version: d.rule_set_version }, rules: fired, greenOn: d.green_on, greenOnNote: null });
      return { cause: withheldCause(d.cause), greenOn: exportTime(redacted.greenOn) };
    };
    return {
      checkIns: checkIns.map((c) => ({ date: c.date, at: exportTime(c.at), temperature: c.temperature, symptoms: c.symptoms })),
      authorityRecords: withheld ? [] : facts.map((f) => ({ kind: f.kind, value: f.value, detail: JSON.parse(f.detail) as unknown, occurredAt: exportTime(f.occurred_at), source: f.source, recordedAt: exportTime(f.recorded_at) })),
      travelRecords: withheld ? [] : travel.map((t) => ({ source: t.source, region: t.region_code, country: t.country_code, arrival: exportTime(t.arrival), departure: exportTime(t.departure), carrierRef: t.carrier_ref })),
      ...(withheld && { recordsAwaitingIdentityCheck: facts.length + travel.length > 0 }),
      decisions: decisions.map((d) => ({ decidedAt: exportTime(d.decided_at), colour: d.colour, mark: d.mark, ruleSet: `${d.rule_set_region}@${d.rule_set_version}`, ...decisionView(d) })),
      appeals: appeals.map((a) => ({ createdAt: exportTime(a.created_at), colour: a.colour, message: a.message, status: a.status, response: a.response, resolvedAt: exportTime(a.resolved_at) })),
      scans: scans.map((c) => ({ at: exportTime(c.scanned_at), venueId: c.venue_id, method: c.method, colour: c.colour, admitted: c.admitted === 1 })),
    };
  }

  /** Inserts; a collision says which field, to a caller who has proven the phone (or is its guardian). */
  private async insertOrConflict<T>(registration: Registration, insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if ((await this.lookups.findIdByIdentityKey(registration.identity.key)) !== undefined) throw new IdentityTakenError();
      throw new ConflictError(PHONE_TAKEN, 'phone');
    }
  }
}

export interface ResidentExport {
  format: string;
  exportedAt: string;
  resident: PersonalExport;
  guardians: { residentId: string; relationship: Relationship; since: string }[];
  dependents: (PersonalExport & { relationship: Relationship })[];
  sessions: { createdAt: string; expiresAt: string; revokedAt: string | null }[];
}

interface PersonalExport {
  id: string;
  name: string;
  identityDocument: Resident['identity'];
  phone: string | null;
  address: { region: string; detail: string; regionName: string | null };
  registeredAt: string;
  phoneVerifiedAt: string | null;
  declarations: WrittenDeclaration[];
  checkIns: { date: string; at: string; temperature: number | null; symptoms: string[] }[];
  authorityRecords: { kind: string; value: string; detail: unknown; occurredAt: string; source: string; recordedAt: string }[];
  travelRecords: { source: string; region: string | null; country: string | null; arrival: string; departure: string; carrierRef: string | null }[];
  /** Present for a household member whose identity is not yet checked: whether the authority holds records about their number, withheld until it is. */
  recordsAwaitingIdentityCheck?: boolean;
  decisions: { decidedAt: string; colour: string; mark: string | null; ruleSet: string; cause: string; greenOn: string | null }[];
  appeals: { createdAt: string; colour: string; message: string; status: string; response: string | null; resolvedAt: string | null }[];
  scans: { at: string; venueId: string; method: string; colour: string | null; admitted: boolean }[];
}

/** Whether a resident's identity, standing on this, leaves the authority's records about them withheld (ResidentsService.recordsWithheld). */
export function withheldBy(standing: { phoneVerifiedAt: number | null; identityCheckedAt: number | null; hasGuardian: boolean }): boolean {
  return standing.phoneVerifiedAt === null && standing.identityCheckedAt === null && standing.hasGuardian;
}
