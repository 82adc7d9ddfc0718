import { DAY_MS, HOUR_MS } from '../domain/clock.js';
import { mod11_2CheckCharacter } from '../domain/identity/check-digits.js';
import type { VenueType } from '../domain/checkpoints/venue.js';
import type { Services } from './services.js';

/** Yuhang district, Hangzhou: where the first health code ran. */
export const DEMO_REGION = '330110';

const residentId = (first17: string) => first17 + mod11_2CheckCharacter(first17);

/** Fictional people with well-formed documents; their phones are in a range no carrier assigns to subscribers in tests. */
export const DEMO_RESIDENTS = [
  { name: '张晓明', idType: 'resident_id', idNumber: residentId('33011019850312001'), phone: '13800138001', address: { region: DEMO_REGION, detail: '五常街道文一西路 998 号 3 幢 1201 室' } },
  { name: '李秀英', idType: 'resident_id', idNumber: residentId('33011019920704002'), phone: '13800138002', address: { region: DEMO_REGION, detail: '仓前街道良睦路 1399 号 6 幢 502 室' } },
  { name: '王建国', idType: 'resident_id', idNumber: residentId('33010619780919003'), phone: '13800138003', address: { region: '330106', detail: '西湖区文三路 477 号 2 单元 301 室' } },
  { name: 'Emma Schneider', idType: 'passport', idCountry: 'DE', idNumber: 'C01X00T47', phone: '+4915123456789', address: { region: DEMO_REGION, detail: '余杭街道梦想小镇人才公寓 8 幢 706 室' } },
  // Yellow: declares a fever and a cough.
  { name: '赵丽华', idType: 'resident_id', idNumber: residentId('33011019880614004'), phone: '13800138004', address: { region: DEMO_REGION, detail: '闲林街道闲兴路 18 号 5 幢 903 室' } },
  // Red: the health authority found him a close contact of a confirmed case.
  { name: '陈志强', idType: 'resident_id', idNumber: residentId('33011019750228005'), phone: '13800138005', address: { region: DEMO_REGION, detail: '良渚街道古墩路 1888 号 2 幢 1104 室' } },
] as const;

const DEMO_DEPENDENT = {
  name: '张桂兰',
  idType: 'resident_id',
  idNumber: residentId('33011019460205002'),
  address: { region: DEMO_REGION, detail: '五常街道文一西路 998 号 3 幢 1201 室' },
  relationship: 'grandparent',
} as const;

const DEMO_VENUES: { name: string; type: VenueType; address: string; latitude: number; longitude: number; operator: string }[] = [
  { name: '未来科技城地铁站', type: 'subway_station', address: '余杭区文一西路与高教路交叉口', latitude: 30.2867, longitude: 120.0036, operator: '杭州地铁' },
  { name: '西溪印象城', type: 'mall', address: '余杭区五常大道 1 号', latitude: 30.2722, longitude: 120.0695, operator: '印象城商业管理' },
  { name: '仓前中学', type: 'school', address: '余杭区仓前街道余杭塘路 2111 号', latitude: 30.2899, longitude: 119.9953, operator: '余杭区教育局' },
  { name: '良睦路社区', type: 'residential_compound', address: '余杭区良睦路 1399 号', latitude: 30.2935, longitude: 120.0104, operator: '仓前街道良睦社区居委会' },
];

/**
 * Loads the demo residents, a household, venues and declarations, so a newcomer sees every colour
 * with its reasons: green, yellow (a declared fever), red (a close contact the authority recorded),
 * and gray for anyone new. Returns the phones to sign in with, and whether it loaded them now
 * (false when they were there already, from an earlier start).
 */
export async function loadDemoData(services: Services): Promise<{ phones: string[]; loaded: boolean }> {
  const now = services.clock.now().getTime();
  const phones = DEMO_RESIDENTS.map((r) => r.phone);
  if (await services.residents.hasPhone(DEMO_RESIDENTS[0].phone)) return { phones, loaded: false };
  const ids: string[] = [];
  // Demo residents have "signed in" before and declared, so their codes show colours rather than gray.
  for (const person of DEMO_RESIDENTS) ids.push((await services.residents.register({ ...person }, { phoneVerifiedAt: now })).id);
  const grandma = await services.residents.addDependent(ids[0]!, { ...DEMO_DEPENDENT });
  for (const id of [ids[0]!, ids[2]!, ids[3]!, grandma.id]) await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  await services.declarations.declare(ids[1]!, {
    stays: [
      { region: '310104', arrival: inputTime(now - 5 * DAY_MS), departure: inputTime(now - 3 * DAY_MS) },
      { region: DEMO_REGION, arrival: inputTime(now - 3 * DAY_MS + 4 * HOUR_MS) },
    ],
    contacts: [],
    symptoms: [],
    temperature: 36.5,
  });
  await services.declarations.declare(ids[4]!, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
  await services.declarations.declare(ids[5]!, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
  await services.authority.import('contacts', oneRow({ phone: DEMO_RESIDENTS[5].phone, kind: 'close', date: inputTime(now - 2 * DAY_MS) }));
  for (const venue of DEMO_VENUES) await services.venues.registerVenue({ region: DEMO_REGION, ...venue });
  return { phones, loaded: true };
}

/** Declarations and the authority's imports take instants as text, as their clients send them. */
function inputTime(ms: number): string {
  return new Date(ms).toISOString();
}

async function* oneRow(record: Record<string, unknown>): AsyncGenerator<{ line: number; record: Record<string, unknown> }> {
  yield { line: 1, record };
}
