import type { Colour } from '../colour.js';
import type { VenueType } from './venue.js';

/** Which colours a venue type admits, and how close in time two visits must be to count as contact. */
export interface EntryPolicy {
  allowed: Colour[];
  overlapMinutes: number;
  /**
   * An offline code's colour must have been decided within this many minutes of the scan (a pass
   * lives up to half a day, and a resident turned red meanwhile still holds a green one); null or
   * absent: any pass not expired.
   */
  decidedWithinMinutes?: number | null;
}

/** Defaults until the authority sets its own: hospitals admit everyone (care comes first, the scan is kept). */
export const DEFAULT_ENTRY_POLICIES: Record<VenueType, EntryPolicy> = {
  subway_station: { allowed: ['green'], overlapMinutes: 15, decidedWithinMinutes: null },
  mall: { allowed: ['green'], overlapMinutes: 60, decidedWithinMinutes: null },
  school: { allowed: ['green'], overlapMinutes: 240, decidedWithinMinutes: null },
  supermarket: { allowed: ['green'], overlapMinutes: 30, decidedWithinMinutes: null },
  residential_compound: { allowed: ['green', 'gray'], overlapMinutes: 120, decidedWithinMinutes: null },
  hospital: { allowed: ['green', 'gray', 'yellow', 'red'], overlapMinutes: 60, decidedWithinMinutes: null },
  office: { allowed: ['green'], overlapMinutes: 240, decidedWithinMinutes: null },
};

/** Whether a policy admits a colour decided at `decidedAt` (epoch ms; null for a colour decided at the scan), at `now`. */
export function entryVerdict(policy: EntryPolicy, colour: Colour, decidedAt: number | null, now: number): 'allowed' | 'colour-not-admitted' | 'decided-too-long-ago' {
  if (!policy.allowed.includes(colour)) return 'colour-not-admitted';
  const within = policy.decidedWithinMinutes ?? null;
  if (within !== null && decidedAt !== null && now - decidedAt > within * 60_000) return 'decided-too-long-ago';
  return 'allowed';
}
