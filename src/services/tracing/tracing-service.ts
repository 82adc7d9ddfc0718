import { fixedPurpose, typedPurpose } from '../../domain/audit-wording.js';
import { createHash } from 'node:crypto';
import { MINUTE_MS } from '../../domain/clock.js';
import { colourTransitions, firstExposure, isTraceWindow, mergeContacts, overlapSpan, sameCarrierContacts, sameDaySpan, sameVenueContacts, visitsAfterExposure, visitsByVenue, type Contacts, type Exposure, type Visit } from '../../domain/tracing/contact-tracing.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { maskName } from '../../domain/masking.js';
import type { VenueType } from '../../domain/checkpoints/venue.js';
import type { AuditService } from '../audit-service.js';
import type { AuthorityService } from '../decisions/authority-records-service.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { VenuesService } from '../checkpoints/venues-service.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, NotFoundError } from '../service-errors.js';
import { requireJurisdiction, type StaffMember } from '../staff-service.js';
import type { Selectable } from 'kysely';
import type { TracesTable } from '../../store/schema.js';

type TraceRow = Selectable<TracesTable>;

export interface ContactEvidence {
  kind: 'same-venue' | 'same-carrier';
  venueId?: string;
  venue?: string;
  caseAt?: string;
  contactAt?: string;
  minutesApart?: number;
  overlapMinutes?: number;
  carrierRef?: string;
  date?: string;
  via?: string;
}

export interface TraceContact {
  residentId: string;
  maskedName: string;
  level: 'close' | 'secondary';
  firstContactAt: string;
  evidence: ContactEvidence[];
}

export interface Trace {
  id: string;
  caseResidentId: string;
  from: string;
  to: string;
  purpose: string;
  status: 'open' | 'confirmed';
  caseVisits: { venueId: string; venue: string; at: string }[];
  contacts: TraceContact[];
}

/** How many contacts would turn which colour (from > to), counted by transition. */
export type ColourTransitions = { from: string; to: string; residents: number }[];

export interface TracePreview {
  contacts: number;
  wouldChange: number;
  transitions: ColourTransitions;
}

export interface TraceOutcome {
  contacts: number;
  colourChanges: number;
  notified: number;
  transitions: ColourTransitions;
}

type VenueLookup = (venueId: string) => Promise<{ name: string; window: number }>;

/** The trace record's own format (stored JSON in traces.result, read back as it was written): instants as ISO 8601 in UTC. */
function traceTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A piece of evidence as the trace record keeps it (times in ISO 8601, the venue named). */
function evidenceRecord(e: Exposure, venueName: string | undefined): ContactEvidence {
  if (e.kind === 'same-carrier') return { kind: e.kind, carrierRef: e.carrierRef, date: e.date };
  return {
    kind: e.kind,
    venueId: e.venueId,
    caseAt: traceTime(e.caseAt),
    contactAt: traceTime(e.contactAt),
    minutesApart: e.minutesApart,
    overlapMinutes: e.overlapMinutes,
    ...(e.via !== undefined ? { via: e.via } : {}),
    venue: venueName!,
  };
}

/**
 * Contact tracing: who shared a place (within the venue type's overlap window) or a train or flight
 * with a confirmed case, and who shared one with them after (one hop). Opening needs a trace grant;
 * every step is written to the audit log.
 */
export class TracingService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly venues: VenuesService,
    private readonly authority: AuthorityService,
    private readonly audit: AuditService,
    private readonly decisions: DecisionsService,
  ) {}

  async open(staff: StaffMember, input: { caseResidentId: string; from: string; to: string; grantId: string }): Promise<Trace> {
    const errors = new FieldErrorCollector();
    const from = Date.parse(input.from);
    const to = Date.parse(input.to);
    if (Number.isNaN(from)) errors.add('from', 'must be an ISO 8601 date-time');
    if (Number.isNaN(to)) errors.add('to', 'must be an ISO 8601 date-time');
    if (!Number.isNaN(from) && !Number.isNaN(to) && !isTraceWindow(from, to)) errors.add('to', 'must be after from, at most 28 days later');
    errors.throwIfAny();
    const { purpose } = await this.audit.requireGrant(staff, input.grantId, 'trace', input.caseResidentId);
    const residents = this.ctx.stores.residents;
    const caseResident = await residents.findById(input.caseResidentId);
    if (!caseResident) throw new NotFoundError('resident', { field: 'caseResidentId', reason: 'unknown-resident' });
    requireJurisdiction(staff, caseResident.address.region);

    const venues = this.venueLookup();
    const caseVisits = await this.visitsOf([input.caseResidentId], from, to);
    const direct = await this.overlapping(venues, caseVisits, new Set([input.caseResidentId]));
    mergeContacts(direct, await this.coTravellers(input.caseResidentId, from, to));
    // One hop out: people who overlapped with a close contact after that contact's exposure.
    const exclude = new Set([input.caseResidentId, ...direct.keys()]);
    const contactVisits = direct.size === 0 ? [] : visitsAfterExposure(direct, await this.visitsOf([...direct.keys()], firstExposure(direct), to));
    const secondary = await this.overlapping(venues, contactVisits, exclude, true);
    const venueName = async (id: string) => (await venues(id)).name;
    const names = await residents.names([...direct.keys(), ...secondary.keys()]);
    const describe = async (level: 'close' | 'secondary', map: Contacts) => {
      const out: TraceContact[] = [];
      for (const [id, c] of map) {
        const name = names.get(id);
        if (name === undefined) continue;
        const evidence: ContactEvidence[] = [];
        for (const e of c.evidence) evidence.push(evidenceRecord(e, e.kind === 'same-venue' ? await venueName(e.venueId) : undefined));
        out.push({ residentId: id, maskedName: maskName(name), level, firstContactAt: traceTime(c.first), evidence });
      }
      return out.sort((a, b) => a.firstContactAt.localeCompare(b.firstContactAt));
    };
    const trace: Trace = {
      id: this.ctx.newId(),
      caseResidentId: input.caseResidentId,
      from: traceTime(from),
      to: traceTime(to),
      purpose,
      status: 'open',
      caseVisits: await Promise.all(caseVisits.map(async (v) => ({ venueId: v.venueId, venue: await venueName(v.venueId), at: traceTime(v.at) }))),
      contacts: [...(await describe('close', direct)), ...(await describe('secondary', secondary))],
    };
    await this.ctx.stores.traces.insert({ id: trace.id, case_resident_id: trace.caseResidentId, window_from: from, window_to: to, opened_by: staff.id, grant_id: input.grantId, purpose, status: 'open', result: JSON.stringify(trace), created_at: this.ctx.clock.now().getTime(), confirmed_at: null });
    await this.audit.appendBy(staff, 'open-trace', typedPurpose(purpose), input.caseResidentId, { traceId: trace.id, grantId: input.grantId, contacts: trace.contacts.length });
    // The trace read each contact's visits too: each of them sees that in their own access log.
    for (const contact of trace.contacts) await this.audit.appendBy(staff, 'traced-as-contact', typedPurpose(purpose), contact.residentId, { traceId: trace.id, grantId: input.grantId, level: contact.level });
    return trace;
  }

  /**
   * A trace, to a reader who answers for its case's region and holds a live trace grant that covers
   * the case; every read is audited under that grant, every refusal as refused.
   */
  async get(staff: StaffMember, id: string, grantId?: string): Promise<Trace> {
    const { row, grant } = await this.authorised(staff, id, grantId, 'read-trace-refused');
    await this.audit.appendBy(staff, 'read-trace', typedPurpose(grant.purpose), row.case_resident_id, { traceId: id, grantId: grant.id });
    return { ...(JSON.parse(row.result) as Trace), status: row.status as Trace['status'] };
  }

  /**
   * What confirming the trace would do, before it is done: each contact decided with the contact
   * fact the confirmation would record, against their colour now. Nothing is recorded but the read.
   */
  async preview(staff: StaffMember, id: string, grantId?: string): Promise<TracePreview> {
    const trace = await this.get(staff, id, grantId);
    const changes = await this.decisions.previewWithContacts(trace.contacts.map((c) => ({ residentId: c.residentId, kind: c.level, at: Date.parse(c.firstContactAt) })));
    return { contacts: trace.contacts.length, ...changes };
  }

  /**
   * The trace, if `staff` may act on it: the case's district (not the contacts', a trace crosses
   * district lines) is one they answer for, and the grant they work under is a live trace grant
   * covering the case. Refusals are audited under `refused` before they are thrown.
   */
  private async authorised(staff: StaffMember, id: string, grantId: string | undefined, refused: 'read-trace-refused' | 'confirm-trace-refused'): Promise<{ row: TraceRow; grant: { id: string; purpose: string } }> {
    const row = await this.ctx.stores.traces.findById(id);
    if (!row) throw new NotFoundError('trace', { field: 'traceId', reason: 'unknown-trace' });
    const caseResident = await this.ctx.stores.residents.findById(row.case_resident_id);
    if (!caseResident) throw new NotFoundError('resident', { field: 'traceId', reason: 'unknown-resident' });
    try {
      requireJurisdiction(staff, caseResident.address.region);
    } catch (error) {
      await this.audit.appendBy(staff, refused, fixedPurpose('trace-outside-jurisdiction'), null, { traceId: id });
      throw error;
    }
    try {
      return { row, grant: await this.audit.coveringGrant(staff, 'trace', row.case_resident_id, grantId) };
    } catch (error) {
      await this.audit.appendBy(staff, refused, fixedPurpose('trace-read-without-grant'), null, { traceId: id });
      throw error;
    }
  }

  /** Confirms the contacts: they get close- or secondary-contact facts, are re-decided, and told if their colour changed. */
  async confirm(staff: StaffMember, id: string, grantId: string): Promise<TraceOutcome> {
    const { row, grant } = await this.authorised(staff, id, grantId, 'confirm-trace-refused');
    if (row.status === 'confirmed') throw new ConflictError('this trace is already confirmed');
    const trace = JSON.parse(row.result) as Trace;
    const now = this.ctx.clock.now().getTime();
    const ids = trace.contacts.map((c) => c.residentId);
    // Colours before, to say which turned which; who was told is counted by the notices themselves.
    const before = await this.ctx.stores.decisions.statusOf(ids);
    const cause = `trace ${id}`;
    // The contact facts, the trace's confirmation and the queue for re-decision: one unit of work.
    await this.ctx.database.transaction(async (trx) => {
      const records = this.ctx.stores.authorityRecords.withTransaction(trx);
      for (const contact of trace.contacts) {
        const factId = createHash('sha256').update(`trace:${id}:${contact.residentId}`).digest('base64url');
        await records.insertFact({ id: factId, resident_id: contact.residentId, kind: 'contact', value: contact.level, detail: JSON.stringify({ traceId: id }), occurred_at: Date.parse(contact.firstContactAt), source: 'trace', recorded_at: now }, { ifAbsent: true });
      }
      if (!(await this.ctx.stores.traces.withTransaction(trx).confirm(id, now))) throw new ConflictError('this trace was confirmed a moment ago');
      await this.ctx.stores.redecisions.withTransaction(trx).enqueue(ids, cause, now);
    }, { kind: 'decisions', residentIds: ids });
    // Each contact whose colour changed is told by the decisions themselves (NoticesService), whoever holds their phone.
    const { colourChanges, notified } = await this.authority.redecideQueued(ids);
    const after = await this.ctx.stores.decisions.statusOf(ids);
    const colourOf = (decisions: typeof after) => new Map([...decisions].map(([residentId, d]) => [residentId, d.colour as string]));
    const transitions = colourTransitions(colourOf(before), colourOf(after));
    await this.audit.appendBy(staff, 'confirm-trace', typedPurpose(trace.purpose), trace.caseResidentId, { traceId: id, grantId: grant.id, contacts: ids.length, colourChanges });
    for (const contact of trace.contacts) await this.audit.appendBy(staff, 'confirmed-as-contact', typedPurpose(trace.purpose), contact.residentId, { traceId: id, grantId: grant.id, level: contact.level });
    return { contacts: ids.length, colourChanges, notified, transitions };
  }

  private async visitsOf(residentIds: string[], from: number, to: number): Promise<Visit[]> {
    return this.ctx.stores.scans.visitsOf(residentIds, from, to);
  }

  /**
   * Everyone scanned at the same venue within its type's overlap window of one of `visits`; with `via`,
   * each piece of evidence names whose visit it came from. One query per venue: the (venue, time)
   * index makes the cost grow with the visits traced, not with the table.
   */
  private async overlapping(venues: VenueLookup, visits: Visit[], exclude: Set<string>, via = false): Promise<Contacts> {
    const found: Contacts = new Map();
    for (const [venueId, atVenue] of visitsByVenue(visits)) {
      const { window } = await venues(venueId);
      const span = overlapSpan(atVenue, window);
      mergeContacts(found, sameVenueContacts(venueId, window, atVenue, await this.ctx.stores.scans.atVenue(venueId, span.from, span.to), exclude, via));
    }
    return found;
  }

  /**
   * Each venue's name and overlap window, read once per trace however many visits, contacts and
   * pieces of evidence name it; each venue type's policy likewise.
   */
  private venueLookup(): VenueLookup {
    const venues = new Map<string, Promise<{ name: string; window: number }>>();
    const windows = new Map<VenueType, Promise<number>>();
    const windowOf = (type: VenueType) => {
      if (!windows.has(type)) windows.set(type, this.venues.policy(type).then((p) => p.overlapMinutes * MINUTE_MS));
      return windows.get(type)!;
    };
    return (id) => {
      if (!venues.has(id)) venues.set(id, this.venues.venue(id).then(async (v) => ({ name: v.name, window: await windowOf(v.type) })));
      return venues.get(id)!;
    };
  }

  /** Residents on the same train or flight as the case, on the same day. */
  private async coTravellers(caseId: string, from: number, to: number): Promise<Contacts> {
    const found: Contacts = new Map();
    const trips = await this.ctx.stores.authorityRecords.tripsOf(caseId, from, to);
    for (const trip of trips) {
      const span = sameDaySpan(trip.arrival);
      const fellows = await this.ctx.stores.authorityRecords.fellowTravellers(trip.carrier_ref!, span.from, span.to, caseId);
      mergeContacts(found, sameCarrierContacts({ carrierRef: trip.carrier_ref!, arrival: trip.arrival }, fellows.map((o) => ({ residentId: o.resident_id, arrival: o.arrival })), this.ctx.settings.timeZone));
    }
    return found;
  }
}
