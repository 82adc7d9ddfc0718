import { fixedPurpose, typedPurpose } from '../../domain/audit-wording.js';
import { DAY_MS } from '../../domain/clock.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { checkIdentity } from '../../domain/identity/identity-document.js';
import { checkMobileNumber, maskPhone } from '../../domain/phone.js';
import { maskIdNumber, maskName } from '../../domain/masking.js';
import { regionName, regionNameEn, regionPrefix } from '../../domain/regions.js';
import { nameMatches, parseSearchQuery, type SearchQuery } from '../../domain/tracing/search-query.js';
import type { Resident } from '../../store/residents/residents-store.js';
import type { AuditService, GrantScope } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import { NotFoundError } from '../service-errors.js';
import { answersFor, requireJurisdiction, type StaffMember } from '../staff-service.js';
import type { VenuesService } from '../checkpoints/venues-service.js';

/** A resident or case as a search shows them: masked, with what an officer acts on. */
export interface FoundResident {
  /** Carried by the console's buttons, never shown: the officer clicks, never copies it. */
  residentId: string;
  maskedName: string;
  maskedIdNumber: string;
  maskedPhone: string | null;
  region: string;
  regionName: { 'zh-CN': string; en: string };
  colour: string | null;
  /** A confirmed or suspected case recorded in the last 28 days. */
  isCase: boolean;
  /** A household member without a phone of their own (a relative holds the phone). */
  dependent: boolean;
}

/** A case's timeline; instants as epoch ms. */
export interface CaseTimeline {
  resident: FoundResident;
  from: number;
  to: number;
  visits: { venueId: string; venue: string; at: number }[];
  traces: { id: string; from: number; to: number; status: string; openedAt: number; purpose: string }[];
}

/** How far back a search by name looks for cases, and at most how many names it opens. */
const CASE_WINDOW_MS = 28 * DAY_MS;
const NAME_SEARCH_LIMIT = 2000;
/** Any grant an officer holds opens a search: a tracer finds the case they trace by it. */
const SEARCH_SCOPES: readonly GrantScope[] = ['trace', 'read-personal'];

/**
 * Officers find a resident or a case by what they know (ID number, phone, name) under a grant,
 * within the regions they answer for, and see them masked; every search and every timeline read
 * is an access, written to the audit log with the grant's purpose.
 */
export class CaseFinderService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditService,
    private readonly venues: VenuesService,
  ) {}

  /**
   * Searches by ID number or phone (their blind indexes), or by name among the recent cases of the
   * officer's regions (names are sealed: only those few are opened and compared). A grant naming
   * one resident finds that resident or no one.
   */
  async search(staff: StaffMember, input: { grantId: string; query: string }): Promise<{ by: SearchQuery['by']; results: FoundResident[] }> {
    let grant: { id: string; purpose: string; residentId: string | null };
    try {
      grant = await this.audit.liveGrant(staff, input.grantId, SEARCH_SCOPES);
    } catch (error) {
      await this.audit.appendBy(staff, 'search-residents-refused', fixedPurpose('search-without-grant'), null, { grantId: input.grantId });
      throw error;
    }
    const parsed = parseSearchQuery(input.query, this.ctx.clock.now());
    if (!parsed.ok) {
      await this.audit.appendBy(staff, 'search-residents', typedPurpose(grant.purpose), null, { grantId: grant.id, outcome: 'invalid' });
      throw new InvalidInputError([{ field: 'query', message: parsed.message }]);
    }
    const query = parsed.value;
    const candidates = await this.candidates(staff, query);
    const residents = (await Promise.all(candidates.map((id) => this.ctx.stores.residents.findById(id)))).filter((r): r is Resident => r !== undefined);
    const matching = residents.filter((r) => query.by !== 'name' || nameMatches(query.name, r.name));
    const inGrant = matching.filter((r) => grant.residentId === null || grant.residentId === r.id);
    const found = inGrant.filter((r) => answersFor(staff, r.address.region));
    // Logged apart: a match outside the officer's regions is recorded, never shown to them.
    const outcome = found.length > 0 ? 'found' : inGrant.length > 0 ? 'outside-jurisdiction' : 'no-match';
    await this.audit.appendBy(staff, 'search-residents', typedPurpose(grant.purpose), null, { grantId: grant.id, by: query.by, outcome, found: found.length });
    for (const r of found) await this.audit.appendBy(staff, 'found-resident', typedPurpose(grant.purpose), r.id, { grantId: grant.id, by: query.by });
    if (found.length === 0) {
      const where = staff.region === null ? 'this operator serves' : `you answer for (${regionName(staff.region) ?? staff.region}, ${staff.region})`;
      throw new NotFoundError('resident', {
        field: 'query',
        reason: 'no-match',
        message: `no ${query.by === 'name' ? 'recent case' : 'resident'} in the regions ${where} matches${grant.residentId === null ? '' : ', within the one resident your grant names'}; a search covers nothing beyond them`,
      });
    }
    return { by: query.by, results: await Promise.all(found.map((r) => this.describe(r))) };
  }

  /**
   * Finds a case by phone or identity document, for a tracer who knows the person but not their id.
   * Needs a read-personal grant; the look-up is audited under the grant's purpose.
   */
  async findResident(staff: StaffMember, input: { grantId: string; phone?: string; idType?: string; idNumber?: string; idCountry?: string }): Promise<{ residentId: string; maskedName: string; colour: string | null }> {
    const by = input.phone !== undefined ? 'phone' : 'identity document';
    // The grant first: without one, whether anyone is registered under this phone is nobody's business.
    let grant: { purpose: string; residentId: string | null };
    try {
      grant = await this.audit.liveGrant(staff, input.grantId, 'read-personal');
    } catch (error) {
      await this.audit.appendBy(staff, 'find-resident-refused', fixedPurpose('lookup-without-grant'), null, { grantId: input.grantId, by });
      throw error;
    }
    const { residents, residentLookups: lookups } = this.ctx.stores;
    let residentId: string | undefined;
    try {
      if (input.phone !== undefined) {
        const phone = checkMobileNumber(input.phone);
        if (!phone.ok) throw new InvalidInputError([{ field: 'phone', message: phone.message }]);
        residentId = await lookups.findIdByPhone(phone.value);
      } else {
        const identity = checkIdentity({ idType: input.idType ?? '', idNumber: input.idNumber ?? '', ...(input.idCountry ? { idCountry: input.idCountry } : {}) }, this.ctx.clock.now());
        if (!identity.ok) throw new InvalidInputError([{ field: identity.field, message: identity.message }]);
        residentId = await lookups.findIdByIdentityKey(identity.value.key);
      }
    } catch (error) {
      await this.audit.appendBy(staff, 'find-resident', typedPurpose(grant.purpose), null, { grantId: input.grantId, by, outcome: 'invalid' });
      throw error;
    }
    // A grant for one resident finds that resident or no one: it cannot tell whether others exist.
    const region = residentId === undefined ? undefined : (await residents.findById(residentId))?.address.region;
    if (!residentId || (grant.residentId !== null && grant.residentId !== residentId) || (region !== undefined && !answersFor(staff, region))) {
      await this.audit.appendBy(staff, 'find-resident', typedPurpose(grant.purpose), null, { grantId: input.grantId, by, outcome: 'no-match' });
      throw new NotFoundError('resident', { reason: 'no-match' });
    }
    await this.audit.appendBy(staff, 'find-resident', typedPurpose(grant.purpose), residentId, { grantId: input.grantId, by, outcome: 'found' });
    const names = await residents.names([residentId]);
    return { residentId, maskedName: maskName(names.get(residentId) ?? ''), colour: await this.ctx.stores.decisions.colourOf(residentId) };
  }

  /** The case's visits over the last 14 days and the traces opened for it, under a grant that covers them. */
  async timeline(staff: StaffMember, residentId: string, grantId: string): Promise<CaseTimeline> {
    let grant: { id: string; purpose: string; residentId: string | null };
    try {
      grant = await this.audit.liveGrant(staff, grantId, SEARCH_SCOPES);
      if (grant.residentId !== null && grant.residentId !== residentId) await this.audit.requireGrant(staff, grantId, 'trace', residentId);
    } catch (error) {
      await this.audit.appendBy(staff, 'read-timeline-refused', fixedPurpose('timeline-without-grant'), null, { grantId });
      throw error;
    }
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!resident) throw new NotFoundError('resident', { field: 'residentId', reason: 'unknown-resident' });
    requireJurisdiction(staff, resident.address.region);
    const to = this.ctx.clock.now().getTime();
    const from = to - 14 * DAY_MS;
    const visits = await this.ctx.stores.scans.visitsOf([residentId], from, to);
    const names = new Map<string, Promise<string>>();
    const venueName = (id: string) => {
      if (!names.has(id)) names.set(id, this.venues.venue(id).then((v) => v.name));
      return names.get(id)!;
    };
    const traces = await this.ctx.stores.traces.ofCase(residentId);
    await this.audit.appendBy(staff, 'read-timeline', typedPurpose(grant.purpose), residentId, { grantId: grant.id });
    return {
      resident: await this.describe(resident),
      from,
      to,
      visits: await Promise.all(visits.map(async (v) => ({ venueId: v.venueId, venue: await venueName(v.venueId), at: v.at }))),
      traces: traces.map((t) => ({ id: t.id, from: t.window_from, to: t.window_to, status: t.status, openedAt: t.created_at, purpose: t.purpose })),
    };
  }

  /** The staff the authority may give a grant to: tracers and authorities in the regions it answers for. */
  async grantees(staff: StaffMember): Promise<{ id: string; name: string; role: string; region: string | null }[]> {
    const all = await this.ctx.stores.staff.active(['tracer', 'authority']);
    return all.filter((s) => staff.region === null || (s.region !== null && answersFor(staff, s.region)));
  }

  /** The officer's live grants, to pick from; whom a narrow grant names is not shown: listing grants reads no one. */
  async myGrants(staff: StaffMember): Promise<{ id: string; scope: GrantScope; purpose: string; expiresAt: number; forOneResident: boolean }[]> {
    return (await this.audit.liveGrantsOf(staff)).map((g) => ({ id: g.id, scope: g.scope, purpose: g.purpose, expiresAt: g.expiresAt, forOneResident: g.residentId !== null }));
  }

  private async candidates(staff: StaffMember, query: SearchQuery): Promise<string[]> {
    const lookups = this.ctx.stores.residentLookups;
    if (query.by === 'idNumber') return [await lookups.findIdByIdentityKey(query.identityKey)].filter((id): id is string => id !== undefined);
    if (query.by === 'phone') return [await lookups.findIdByPhone(query.phone)].filter((id): id is string => id !== undefined);
    const since = this.ctx.clock.now().getTime() - CASE_WINDOW_MS;
    return this.ctx.stores.authorityRecords.recentCases(since, staff.region === null ? null : [regionPrefix(staff.region)], NAME_SEARCH_LIMIT);
  }

  private async describe(r: Resident): Promise<FoundResident> {
    const since = this.ctx.clock.now().getTime() - CASE_WINDOW_MS;
    const facts = await this.ctx.stores.authorityRecords.factsOf(r.id);
    return {
      residentId: r.id,
      maskedName: maskName(r.name),
      maskedIdNumber: maskIdNumber(r.identity.number, r.identity.type),
      maskedPhone: r.phone === null ? null : maskPhone(r.phone),
      region: r.address.region,
      regionName: { 'zh-CN': regionName(r.address.region) ?? r.address.region, en: regionNameEn(r.address.region) ?? r.address.region },
      colour: await this.ctx.stores.decisions.colourOf(r.id),
      isCase: facts.some((f) => f.kind === 'case' && (f.value === 'confirmed' || f.value === 'suspected') && f.occurred_at >= since),
      dependent: r.phone === null && (await this.ctx.stores.households.guardiansOf(r.id)).length > 0,
    };
  }
}
