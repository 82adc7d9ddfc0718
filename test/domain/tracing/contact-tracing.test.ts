import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import {
  colourTransitions,
  firstExposure,
  isTraceWindow,
  mergeContacts,
  overlapSpan,
  sameCarrierContacts,
  sameDaySpan,
  sameVenueContacts,
  visitsAfterExposure,
  visitsByVenue,
  type Contacts,
  type Visit,
} from '../../../src/domain/tracing/contact-tracing.js';

const at = (local: string) => Date.parse(`${local}+08:00`);
const CASE = 'r-case-zhang-wei';
const LI = 'r-li-na';
const WANG = 'r-wang-fang';
const CHEN = 'r-chen-jie';
const NOODLES = 'v-lanzhou-noodles-xuhui';
const CINEMA = 'v-wanda-cinema-pudong';
/** A restaurant's overlap window: 60 minutes either side of the case's scan. */
const RESTAURANT_WINDOW = 60 * MINUTE_MS;

describe('a trace window', () => {
  it('may cover up to 28 days forward', () => {
    assert.equal(isTraceWindow(at('2026-11-01T00:00:00'), at('2026-11-29T00:00:00')), true);
  });

  it('may not cover a minute more than 28 days', () => {
    assert.equal(isTraceWindow(at('2026-11-01T00:00:00'), at('2026-11-29T00:00:00') + MINUTE_MS), false);
  });

  it('may not end where it starts, nor before', () => {
    assert.equal(isTraceWindow(at('2026-11-10T12:00:00'), at('2026-11-10T12:00:00')), false);
    assert.equal(isTraceWindow(at('2026-11-10T12:00:00'), at('2026-11-09T12:00:00')), false);
  });
});

describe('contacts at the same venue', () => {
  const caseLunch: Visit = { residentId: CASE, venueId: NOODLES, at: at('2026-11-10T12:00:00') };

  it('finds someone scanned 25 minutes after the case, with how far apart and how much of the window they shared', () => {
    const found = sameVenueContacts(NOODLES, RESTAURANT_WINDOW, [caseLunch], [{ residentId: LI, at: at('2026-11-10T12:25:00') }], new Set([CASE]));
    assert.deepEqual([...found], [[LI, { first: at('2026-11-10T12:25:00'), evidence: [{ kind: 'same-venue', venueId: NOODLES, caseAt: caseLunch.at, contactAt: at('2026-11-10T12:25:00'), minutesApart: 25, overlapMinutes: 35 }] }]]);
  });

  it('dates the exposure at the later scan: someone who left before the case came was exposed when the case arrived', () => {
    const found = sameVenueContacts(NOODLES, RESTAURANT_WINDOW, [caseLunch], [{ residentId: LI, at: at('2026-11-10T11:20:00') }], new Set([CASE]));
    assert.equal(found.get(LI)!.first, caseLunch.at);
  });

  it('counts a scan exactly at the window\'s edge and not one a minute past it', () => {
    const found = sameVenueContacts(NOODLES, RESTAURANT_WINDOW, [caseLunch], [{ residentId: LI, at: at('2026-11-10T13:00:00') }, { residentId: WANG, at: at('2026-11-10T13:01:00') }], new Set([CASE]));
    assert.deepEqual([...found.keys()], [LI]);
    assert.equal((found.get(LI)!.evidence[0] as { overlapMinutes: number }).overlapMinutes, 0);
  });

  it('leaves out the case\'s own scans and anyone excluded', () => {
    const found = sameVenueContacts(NOODLES, RESTAURANT_WINDOW, [caseLunch], [{ residentId: CASE, at: caseLunch.at }, { residentId: WANG, at: at('2026-11-10T12:10:00') }], new Set([CASE, WANG]));
    assert.equal(found.size, 0);
  });

  it('names whose visit the evidence came from when tracing one hop out', () => {
    const liVisit: Visit = { residentId: LI, venueId: CINEMA, at: at('2026-11-11T19:30:00') };
    const found = sameVenueContacts(CINEMA, 180 * MINUTE_MS, [liVisit], [{ residentId: CHEN, at: at('2026-11-11T19:45:00') }], new Set([CASE, LI]), true);
    assert.equal((found.get(CHEN)!.evidence[0] as { via?: string }).via, LI);
  });

  it('keeps the earliest exposure and every piece of evidence for someone near two of the case\'s visits', () => {
    const dinner: Visit = { residentId: CASE, venueId: NOODLES, at: at('2026-11-10T18:00:00') };
    const others = [
      { residentId: LI, at: at('2026-11-10T18:20:00') },
      { residentId: LI, at: at('2026-11-10T12:05:00') },
    ];
    const found = sameVenueContacts(NOODLES, RESTAURANT_WINDOW, [caseLunch, dinner], others, new Set([CASE]));
    assert.equal(found.get(LI)!.first, at('2026-11-10T12:05:00'));
    assert.equal(found.get(LI)!.evidence.length, 2);
  });

  it('reads one span per venue, from the first visit\'s window to the last\'s', () => {
    const dinner: Visit = { residentId: CASE, venueId: NOODLES, at: at('2026-11-10T18:00:00') };
    assert.deepEqual(overlapSpan([caseLunch, dinner], RESTAURANT_WINDOW), { from: at('2026-11-10T11:00:00'), to: at('2026-11-10T19:00:00') });
  });

  it('groups visits by venue in the order they were made', () => {
    const cinema: Visit = { residentId: CASE, venueId: CINEMA, at: at('2026-11-10T15:00:00') };
    const dinner: Visit = { residentId: CASE, venueId: NOODLES, at: at('2026-11-10T18:00:00') };
    assert.deepEqual([...visitsByVenue([caseLunch, cinema, dinner])], [[NOODLES, [caseLunch, dinner]], [CINEMA, [cinema]]]);
  });
});

describe('contacts on the same train or flight', () => {
  const trip = { carrierRef: 'G1234', arrival: at('2026-11-12T21:30:00') };

  it('finds a fellow passenger arriving the same local day, exposed at the case\'s arrival', () => {
    const found = sameCarrierContacts(trip, [{ residentId: WANG, arrival: at('2026-11-12T09:10:00') }], 'Asia/Shanghai');
    assert.deepEqual([...found], [[WANG, { first: trip.arrival, evidence: [{ kind: 'same-carrier', carrierRef: 'G1234', date: '2026-11-12' }] }]]);
  });

  it('leaves out the same train number on another local day, though within 24 hours', () => {
    const found = sameCarrierContacts(trip, [{ residentId: WANG, arrival: at('2026-11-13T00:30:00') }], 'Asia/Shanghai');
    assert.equal(found.size, 0);
  });

  it('takes the day in the deployment\'s time zone, not UTC', () => {
    // 07:30 and 09:30 in Shanghai: the same local day, though 07:30 falls on the day before in UTC.
    const early = { carrierRef: 'MU5101', arrival: at('2026-11-12T07:30:00') };
    const found = sameCarrierContacts(early, [{ residentId: CHEN, arrival: at('2026-11-12T09:30:00') }], 'Asia/Shanghai');
    assert.deepEqual(found.get(CHEN)?.evidence, [{ kind: 'same-carrier', carrierRef: 'MU5101', date: '2026-11-12' }]);
  });

  it('reads arrivals a day either side, enough to hold the local day wherever the zone', () => {
    assert.deepEqual(sameDaySpan(trip.arrival), { from: trip.arrival - DAY_MS, to: trip.arrival + DAY_MS });
  });
});

describe('one hop out', () => {
  const direct = (): Contacts =>
    new Map([
      [LI, { first: at('2026-11-10T12:25:00'), evidence: [] }],
      [WANG, { first: at('2026-11-12T21:30:00'), evidence: [] }],
    ]);

  it('starts from the earliest exposure among the close contacts', () => {
    assert.equal(firstExposure(direct()), at('2026-11-10T12:25:00'));
  });

  it('follows only a contact\'s visits from their own exposure on', () => {
    const visits: Visit[] = [
      { residentId: LI, venueId: CINEMA, at: at('2026-11-10T10:00:00') },
      { residentId: LI, venueId: CINEMA, at: at('2026-11-11T19:30:00') },
      { residentId: WANG, venueId: NOODLES, at: at('2026-11-11T12:00:00') },
      { residentId: WANG, venueId: NOODLES, at: at('2026-11-13T12:00:00') },
    ];
    assert.deepEqual(visitsAfterExposure(direct(), visits), [visits[1], visits[3]]);
  });

  it('merges a co-traveller found by train into the venue contacts, keeping the earliest exposure', () => {
    const byVenue = direct();
    const byTrain: Contacts = new Map([[LI, { first: at('2026-11-09T08:00:00'), evidence: [{ kind: 'same-carrier', carrierRef: 'G1234', date: '2026-11-09' }] }]]);
    mergeContacts(byVenue, byTrain);
    assert.equal(byVenue.get(LI)!.first, at('2026-11-09T08:00:00'));
    assert.equal(byVenue.get(LI)!.evidence.length, 1);
  });
});

describe('colour transitions after confirming a trace', () => {
  it('counts who turned which colour, most first, those with no colour before as none', () => {
    const before = new Map([[LI, 'green'], [WANG, 'green'], [CHEN, 'yellow']]);
    const after = new Map([[LI, 'red'], [WANG, 'red'], [CHEN, 'red'], ['r-zhao-lei', 'yellow']]);
    assert.deepEqual(colourTransitions(before, after), [
      { from: 'green', to: 'red', residents: 2 },
      { from: 'yellow', to: 'red', residents: 1 },
      { from: 'none', to: 'yellow', residents: 1 },
    ]);
  });

  it('leaves out those whose colour stayed', () => {
    assert.deepEqual(colourTransitions(new Map([[LI, 'red']]), new Map([[LI, 'red']])), []);
  });
});
