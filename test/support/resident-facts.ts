import { DAY_MS } from '../../src/domain/clock.js';
import type { ResidentFacts } from '../../src/domain/facts.js';

/**
 * What is known of a resident of Yuhang who registered and proved their phone `registeredDaysAgo`
 * days before `now` and declared nothing wrong `declaredMsAgo` before it; whatever else is given.
 */
export function verifiedResident(now: number, extra: Partial<ResidentFacts> = {}, { registeredDaysAgo = 30, declaredMsAgo = DAY_MS } = {}): ResidentFacts {
  return {
    residentId: 'r1',
    region: '330110',
    registeredAt: now - registeredDaysAgo * DAY_MS,
    phoneVerifiedAt: now - registeredDaysAgo * DAY_MS,
    declarations: [{ at: now - declaredMsAgo, symptoms: [], temperature: 36.5 }],
    stays: [],
    contacts: [],
    cases: [],
    tests: [],
    vaccinations: [],
    checkIns: [],
    ...extra,
  };
}
