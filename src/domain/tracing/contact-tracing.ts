import { DAY_MS, MINUTE_MS } from '../clock.js';
import { localDate } from '../local-time.js';

/**
 * Contact tracing's arithmetic, without I/O: who was where when, whose visits overlapped within a
 * venue's window, who shared a train or flight on the same local day, and who is one hop out.
 * Times are epoch ms; the tracing service loads the visits and trips and keeps the record.
 */

/** One scan of a resident at a venue. */
export interface Visit {
  residentId: string;
  venueId: string;
  at: number;
}

/** Two scans at one venue within its overlap window; `via` names whose visit it came from (one hop out). */
export interface SameVenueExposure {
  kind: 'same-venue';
  venueId: string;
  caseAt: number;
  contactAt: number;
  minutesApart: number;
  overlapMinutes: number;
  via?: string;
}

/** Two arrivals on one train or flight on the same local day. */
export interface SameCarrierExposure {
  kind: 'same-carrier';
  carrierRef: string;
  date: string;
}

export type Exposure = SameVenueExposure | SameCarrierExposure;

/** Contacts found so far, by resident: the earliest exposure and every piece of evidence. */
export type Contacts = Map<string, { first: number; evidence: Exposure[] }>;

/** The longest window a trace may cover. */
export const MAX_TRACE_WINDOW_MS = 28 * DAY_MS;

/** Whether [from, to] is a window a trace may cover: forward, and at most 28 days. */
export function isTraceWindow(from: number, to: number): boolean {
  return to > from && to - from <= MAX_TRACE_WINDOW_MS;
}

export function addContact(found: Contacts, residentId: string, at: number, evidence: Exposure[]): void {
  const entry = found.get(residentId) ?? { first: at, evidence: [] };
  entry.first = Math.min(entry.first, at);
  entry.evidence.push(...evidence);
  found.set(residentId, entry);
}

export function mergeContacts(into: Contacts, from: Contacts): void {
  for (const [id, c] of from) addContact(into, id, c.first, c.evidence);
}

/** Visits grouped by venue, each venue's in the order given. */
export function visitsByVenue(visits: Visit[]): Map<string, Visit[]> {
  const byVenue = new Map<string, Visit[]>();
  for (const v of visits) byVenue.set(v.venueId, [...(byVenue.get(v.venueId) ?? []), v]);
  return byVenue;
}

/** The span of scans at a venue that could overlap any of `atVenue`: one read covers them all. */
export function overlapSpan(atVenue: Visit[], windowMs: number): { from: number; to: number } {
  return { from: Math.min(...atVenue.map((v) => v.at)) - windowMs, to: Math.max(...atVenue.map((v) => v.at)) + windowMs };
}

/**
 * Everyone in `others` scanned at `venueId` within `windowMs` of one of `atVenue`, but those in
 * `exclude`; exposed at the later of the two scans. With `via`, each piece of evidence names whose
 * visit it came from.
 */
export function sameVenueContacts(venueId: string, windowMs: number, atVenue: Visit[], others: { residentId: string; at: number }[], exclude: Set<string>, via = false): Contacts {
  const found: Contacts = new Map();
  for (const visit of atVenue) {
    for (const o of others) {
      const apart = Math.abs(o.at - visit.at);
      if (apart > windowMs || exclude.has(o.residentId)) continue;
      const evidence: SameVenueExposure = {
        kind: 'same-venue',
        venueId,
        caseAt: visit.at,
        contactAt: o.at,
        minutesApart: Math.round(apart / MINUTE_MS),
        overlapMinutes: Math.round((windowMs - apart) / MINUTE_MS),
        ...(via ? { via: visit.residentId } : {}),
      };
      addContact(found, o.residentId, Math.max(o.at, visit.at), [evidence]);
    }
  }
  return found;
}

/** The span of arrivals that could share `arrival`'s local day, whatever the time zone. */
export function sameDaySpan(arrival: number): { from: number; to: number } {
  return { from: arrival - DAY_MS, to: arrival + DAY_MS };
}

/** Fellow travellers on the case's trip who arrived on the same local day; exposed at the case's arrival. */
export function sameCarrierContacts(trip: { carrierRef: string; arrival: number }, fellows: { residentId: string; arrival: number }[], timeZone: string): Contacts {
  const found: Contacts = new Map();
  const day = localDate(new Date(trip.arrival), timeZone);
  for (const o of fellows) {
    if (localDate(new Date(o.arrival), timeZone) !== day) continue;
    addContact(found, o.residentId, trip.arrival, [{ kind: 'same-carrier', carrierRef: trip.carrierRef, date: day }]);
  }
  return found;
}

/** The earliest exposure among `contacts` (Infinity when there are none). */
export function firstExposure(contacts: Contacts): number {
  return Math.min(...[...contacts.values()].map((c) => c.first));
}

/** A contact's visits from their own exposure on: only those can pass the exposure on (one hop out). */
export function visitsAfterExposure(contacts: Contacts, visits: Visit[]): Visit[] {
  return visits.filter((v) => {
    const contact = contacts.get(v.residentId);
    return contact !== undefined && v.at >= contact.first;
  });
}

/** How many residents turned which colour (from > to), most first; residents with no colour before count as 'none'. */
export function colourTransitions(before: Map<string, string>, after: Map<string, string>): { from: string; to: string; residents: number }[] {
  const counts = new Map<string, { from: string; to: string; residents: number }>();
  for (const [residentId, to] of after) {
    const from = before.get(residentId) ?? 'none';
    if (from === to) continue;
    const key = `${from}>${to}`;
    const entry = counts.get(key) ?? { from, to, residents: 0 };
    entry.residents += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.residents - a.residents);
}
