import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { localDate } from '../../src/domain/local-time.js';
import type { ServiceContext } from '../../src/services/context.js';

/** Places a resident might have been: two districts of Wuhan, Shanghai Xuhui, Yuhang, and Japan. */
const PLACES = [{ region: '420106' }, { region: '420102' }, { region: '310104' }, { region: '330110' }, { country: 'JP' }] as const;
const AREAS = ['420106', '420100', '310104'] as const;

export interface ResidentSpec {
  registeredDaysAgo: number;
  phoneVerified: boolean;
  stays: { place: number; daysAgo: number; days: number; travel: boolean }[];
  symptoms: boolean;
  temperature: number;
  test: { positive: boolean; daysAgo: number } | null;
  contactDaysAgo: number | null;
  checkIns: { cough: boolean }[];
}

export interface AreaSpec {
  area: number;
  level: 'high' | 'medium';
  daysAgo: number;
  lastsDays: number | null;
}

const resident: fc.Arbitrary<ResidentSpec> = fc.record({
  registeredDaysAgo: fc.integer({ min: 0, max: 40 }),
  phoneVerified: fc.boolean(),
  stays: fc.array(fc.record({ place: fc.nat(PLACES.length - 1), daysAgo: fc.integer({ min: 0, max: 16 }), days: fc.integer({ min: 0, max: 3 }), travel: fc.boolean() }), { maxLength: 2 }),
  symptoms: fc.boolean(),
  temperature: fc.constantFrom(36.4, 36.9, 37.6),
  test: fc.option(fc.record({ positive: fc.boolean(), daysAgo: fc.integer({ min: 0, max: 10 }) })),
  contactDaysAgo: fc.option(fc.integer({ min: 0, max: 14 })),
  checkIns: fc.array(fc.record({ cough: fc.boolean() }), { maxLength: 4 }),
});

const area: fc.Arbitrary<AreaSpec> = fc.record({
  area: fc.nat(AREAS.length - 1),
  level: fc.constantFrom('high' as const, 'medium' as const),
  daysAgo: fc.integer({ min: 0, max: 20 }),
  lastsDays: fc.option(fc.integer({ min: 1, max: 10 })),
});

/** A population of residents with random facts, and the risk areas listed later. */
export const population = fc.record({ residents: fc.array(resident, { minLength: 1, maxLength: 24 }), areas: fc.array(area, { maxLength: 3 }) });

/**
 * Writes residents and their facts straight into the tables (a declaration, stays declared or
 * recorded by a carrier, a test, an authority's contact, daily check-ins): what decisions read. Their ids.
 */
export async function insertResidents(ctx: ServiceContext, specs: ResidentSpec[], now: number): Promise<string[]> {
  const ids: string[] = [];
  const db = ctx.database.db;
  for (const [n, s] of specs.entries()) {
    const id = randomUUID();
    ids.push(id);
    const registered = now - s.registeredDaysAgo * DAY_MS - 3 * HOUR_MS;
    await db.insertInto('residents').values({ id, id_index: `random-${id}`, identity_enc: 'x', name_enc: ctx.cipher.encrypt(`居民${n}`, `resident:${id}:name`), phone_index: null, phone_enc: null, address_region: '330110', address_enc: 'x', phone_verified_at: s.phoneVerified ? registered : null, created_at: registered, updated_at: registered }).execute();
    const declaredAt = now - HOUR_MS;
    await db.insertInto('declarations').values({ id: `d-${id}`, resident_id: id, declared_at: declaredAt, symptoms: JSON.stringify(s.symptoms ? ['dry_cough'] : []), contacts: '[]', temperature: s.temperature }).execute();
    for (const [position, stay] of s.stays.entries()) {
      const arrival = now - stay.daysAgo * DAY_MS - 6 * HOUR_MS;
      const departure = Math.min(now - HOUR_MS, arrival + stay.days * DAY_MS + 5 * HOUR_MS);
      const place = PLACES[stay.place]!;
      const where = { region_code: 'region' in place ? place.region : null, country_code: 'country' in place ? place.country : null };
      if (stay.travel) await db.insertInto('travel_records').values({ id: `t-${id}-${position}`, resident_id: id, ...where, arrival, departure, source: 'rail', carrier_ref: null, recorded_at: departure }).execute();
      else await db.insertInto('declaration_stays').values({ id: `s-${id}-${position}`, declaration_id: `d-${id}`, resident_id: id, position, ...where, arrival, departure }).execute();
    }
    const fact = (kind: string, value: string, daysAgo: number) => ({ id: `f-${kind}-${id}`, resident_id: id, kind, value, detail: '{}', occurred_at: now - daysAgo * DAY_MS - 2 * HOUR_MS, source: 'authority', recorded_at: now - 2 * HOUR_MS });
    if (s.test) await db.insertInto('authority_facts').values(fact('test', s.test.positive ? 'positive' : 'negative', s.test.daysAgo)).execute();
    if (s.contactDaysAgo !== null) await db.insertInto('authority_facts').values(fact('contact', 'close', s.contactDaysAgo)).execute();
    for (const [k, c] of s.checkIns.entries()) {
      const at = now - (k + 1) * DAY_MS;
      await db.insertInto('check_ins').values({ id: `c-${id}-${k}`, resident_id: id, local_date: localDate(new Date(at), ctx.settings.timeZone), at, temperature: 36.5, symptoms: JSON.stringify(c.cough ? ['dry_cough'] : []) }).execute();
    }
  }
  return ids;
}

/** Lists the risk areas (and only them: any listed before are taken off). */
export async function listAreas(ctx: ServiceContext, specs: AreaSpec[], now: number): Promise<void> {
  await ctx.database.db.deleteFrom('risk_areas').execute();
  for (const [n, a] of specs.entries()) {
    const from = now - a.daysAgo * DAY_MS;
    await ctx.database.db.insertInto('risk_areas').values({ id: `area-${n}`, region_code: AREAS[a.area]!, country_code: null, level: a.level, valid_from: from, valid_to: a.lastsDays === null ? null : from + a.lastsDays * DAY_MS, source: 'authority', updated_at: now }).execute();
  }
}
