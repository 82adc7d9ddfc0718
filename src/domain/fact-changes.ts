import { DAY_MS, HOUR_MS } from './clock.js';
import { FACT_HORIZON_DAYS, MIN_STAY_HOURS, type ResidentFacts, type RiskAreaFact } from './facts.js';
import { PART_BITS } from './facts-at.js';

/**
 * Whether, at some instant in [from, to], a fact can enter, leave or replace another in the given
 * parts of the evaluation data (PART_BITS), or anything in them change otherwise than by ageing:
 * when a fact happens or is recorded, when it passes out of the fact horizon, when an ongoing stay
 * becomes long enough to count, when a risk area begins or ends, when the phone or identity is
 * verified or revoked. Outside such instants the parts differ from one instant to another only in
 * their ages (time-shape.ts). The check-ins change every day, with the streak: always true for them.
 * It errs only towards true: an instant is counted if it might be one.
 */
export function partsChangeWithin(facts: ResidentFacts, areas: readonly RiskAreaFact[], parts: number, from: number, to: number): boolean {
  if (parts & (PART_BITS.checkIns | PART_BITS.checkInStreak)) return true;
  const horizon = FACT_HORIZON_DAYS * DAY_MS;
  const within = (t: number | null | undefined) => t !== null && t !== undefined && t >= from && t <= to + 1;
  if (parts & PART_BITS.resident && [facts.phoneVerifiedAt, facts.identityVouchedAt, facts.identityRevokedAt].some(within)) return true;
  if (parts & PART_BITS.declaration && facts.declarations.some((d) => within(d.at))) return true;
  if (parts & PART_BITS.vaccination && facts.vaccinations.some((v) => within(v.at) || within(v.recordedAt))) return true;
  if (parts & PART_BITS.cases && facts.cases.some((c) => within(c.at) || within(c.recordedAt))) return true;
  for (const [bit, list] of [[PART_BITS.contacts, facts.contacts], [PART_BITS.tests, facts.tests]] as const) {
    if (parts & bit && list.some((f) => within(f.at) || within(f.recordedAt) || within(f.at + horizon))) return true;
  }
  if (parts & PART_BITS.stays) {
    if (facts.stays.some((s) => within(s.arrival) || within(s.recordedAt) || within(s.departure) || (s.departure !== null && within(s.departure + horizon)) || within(s.arrival + MIN_STAY_HOURS * HOUR_MS))) return true;
    // A stay's risk level is the areas' as listed at the instant.
    if (facts.stays.length > 0 && areas.some((a) => within(a.from) || within(a.to))) return true;
  }
  return false;
}
