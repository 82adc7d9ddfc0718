import { DAY_MS, HOUR_MS } from '../clock.js';
import { riskLevelOf, MIN_STAY_HOURS, type RiskAreaFact } from '../facts.js';
import { regionAncestors } from '../regions.js';

/**
 * The travel card (通信行程卡): the cities a person stayed in for 4 hours or more in the last 14
 * days, from the telecom, rail and air records the authority imported, each marked when it was a
 * risk area during the stay. Pure: records and risk areas in, the card's lines out.
 */

export const TRAVEL_CARD_DAYS = 14;
export const TRAVEL_CARD_SOURCES = ['telecom', 'rail', 'air'] as const;

export interface TravelRecord {
  region: string | null;
  country: string | null;
  arrival: number;
  departure: number;
  source: string;
}

export interface TravelCardStay {
  /** The city (prefecture-level code) or, abroad, the country. */
  city: string | null;
  country: string | null;
  /** To the hour (floored): what the 4-hour rule needs, and no more of when the person moved. */
  arrival: number;
  departure: number;
  /** Whole hours of the stay inside the 14 days. */
  hours: number;
  source: (typeof TRAVEL_CARD_SOURCES)[number];
  /** The `*` of the card: the city was a listed risk area at some time during the stay. */
  risk: boolean;
}

/** A district's city: the prefecture-level division containing it (a municipality's district stays itself). */
export function cityOf(region: string): string {
  const ancestors = regionAncestors(region);
  return ancestors.length >= 2 ? ancestors[1]! : ancestors[0] ?? region;
}

const toHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;

/** Stays of 4 hours or more inside the last 14 days (clipped to them), newest first, times to the hour. */
export function travelCardStays(records: TravelRecord[], areas: RiskAreaFact[], now: number): TravelCardStay[] {
  const since = now - TRAVEL_CARD_DAYS * DAY_MS;
  const stays: TravelCardStay[] = [];
  for (const r of records) {
    if (!(TRAVEL_CARD_SOURCES as readonly string[]).includes(r.source)) continue;
    if (r.departure < since || r.arrival > now) continue;
    // Only the part inside the 14 days counts: a long stay that ended 1 hour into them is 1 hour.
    const hours = (Math.min(r.departure, now) - Math.max(r.arrival, since)) / HOUR_MS;
    if (hours < MIN_STAY_HOURS) continue;
    const risk = riskLevelOf({ region: r.region, country: r.country, arrival: r.arrival, departure: r.departure }, areas, now) !== 'none';
    stays.push({ city: r.region === null ? null : cityOf(r.region), country: r.country, arrival: toHour(r.arrival), departure: toHour(r.departure), hours: Math.floor(hours), source: r.source as TravelCardStay['source'], risk });
  }
  return stays.sort((a, b) => b.arrival - a.arrival);
}
