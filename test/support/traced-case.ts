import type { StaffMember } from '../../src/services/staff-service.js';
import type { Harness } from './harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from './people.js';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const CASE_PURPOSE = '确诊病例 2026-0412 流调';

/** The StaffMember a created credential acts as. */
export const member = (s: { id: string; name: string; role: StaffMember['role']; region: string | null }): StaffMember => ({ id: s.id, name: s.name, role: s.role, region: s.region });

/**
 * Zhang Wei (Yuhang) confirmed a case at 10:00 after a morning at the Xixi mall, where Liu Fang
 * and Zhang's grandmother (a household member without a phone) were scanned within the hour; a
 * Hangzhou authority officer holds a trace grant for the case's investigation.
 */
export async function confirmedCaseAtTheMall(h: Harness) {
  const s = h.services;
  const authority = await s.staff.create('杭州市疾控中心 王主任', 'authority', '330100');
  // Both proved their phones when they registered; the grandmother's grandson vouches for her.
  const proved = { phoneVerifiedAt: h.clock.now().getTime() };
  const zhang = await s.residents.register(ZHANG_WEI, proved);
  const liu = await s.residents.register(LIU_FANG, proved);
  const grandma = await s.residents.addDependent(zhang.id, GRANDMA_ZHANG);
  const venue = await s.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' });
  h.clock.advance(-2 * 3_600_000);
  await s.scans.visit(zhang.id, venue.id, 'visit-zhang');
  h.clock.advance(20 * 60_000);
  await s.scans.visit(liu.id, venue.id, 'visit-liu');
  await s.scans.visit(grandma.id, venue.id, 'visit-grandma');
  h.clock.advance(100 * 60_000);
  // Everyone declared a healthy fortnight before the case is known: green.
  for (const id of [zhang.id, liu.id, grandma.id]) await s.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  await importCase(h, ZHANG_WEI.phone!);
  const grant = await s.audit.grant(member(authority), { staffId: authority.id, scope: 'trace', purpose: CASE_PURPOSE, residentId: null, hours: 24 });
  return { authority, zhang, liu, grandma, venue, grant };
}

/** The authority's import of a confirmed case, by phone, as its CSV says it. */
export async function importCase(h: Harness, phone: string): Promise<void> {
  const rows = (async function* () {
    yield { line: 2, record: { phone, status: 'confirmed', date: h.clock.now().toISOString() } };
  })();
  const report = await h.services.authority.import('cases', rows);
  if (report.accepted !== 1) throw new Error(`the case was not imported: ${JSON.stringify(report)}`);
}
