import type { Colour } from '../colour.js';
import type { VenueType } from './venue.js';

/** Which colours a venue type admits, and how close in time two visits must be to count as contact. */
export interface EntryPolicy {
  allowed: Colour[];
  overlapMinutes: number;
}

/** Defaults until the authority sets its own: hospitals admit everyone (care comes first, the scan is kept). */
export const DEFAULT_ENTRY_POLICIES: Record<VenueType, EntryPolicy> = {
  subway_station: { allowed: ['green'], overlapMinutes: 15 },
  mall: { allowed: ['green'], overlapMinutes: 60 },
  school: { allowed: ['green'], overlapMinutes: 240 },
  supermarket: { allowed: ['green'], overlapMinutes: 30 },
  residential_compound: { allowed: ['green', 'gray'], overlapMinutes: 120 },
  hospital: { allowed: ['green', 'gray', 'yellow', 'red'], overlapMinutes: 60 },
  office: { allowed: ['green'], overlapMinutes: 240 },
};
