import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { DeclarationInput } from '../../src/domain/declaration.js';
import { neighbour, resident } from '../support/district-residents.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const wuchangTrip: DeclarationInput = { stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 };
const healthy: DeclarationInput = { stays: [], contacts: [], symptoms: [], temperature: 36.4 };


/**
 * Xihu (330106) has its red resident Liu Fang, quarantined, who scanned into a Xihu venue, appealed
 * and was corrected by a Xihu officer; Yuhang (330110) has one resident, Zhang Wei, green. The
 * attacker is Yuhang's officer, with a real credential.
 */
async function twoDistricts(h: Harness) {
  const app = await h.app();
  const liu = await resident(h, LIU_FANG, wuchangTrip);
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  await resident(h, ZHANG_WEI, healthy);
  const venue = await h.services.venues.registerVenue({ name: '西湖文化广场', type: 'mall', region: '330106', address: '中山北路 581 号', latitude: 30.28, longitude: 120.16, operator: '西湖文化广场管理处' });
  await h.services.scans.visit(liu, venue.id, 'v1');
  await h.services.appeals.file(liu, '我 11 月 15 日已离开武昌，那时尚未列为高风险地区。');
  const xihuOfficer = await h.services.staff.create('西湖区疾控中心 赵主任', 'authority', '330106');
  await h.services.corrections.propose(xihuOfficer, liu, { colour: 'red', reason: 'isolation-order', note: '您须居家隔离至通知结束。', expiresAt: new Date(h.clock.now().getTime() + 3 * DAY_MS).toISOString() });
  h.clock.advance(25 * HOUR_MS); // the appeal is overdue
  const yuhang = await h.services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
  const dashboard = (query = '') => app.inject({ method: 'GET', url: `/api/v1/dashboard${query}`, headers: bearer(yuhang.token) });
  return { dashboard };
}

describeOnEachEngine("a district officer reading another district's counts", (h) => {
  it('is refused a sibling district, naming the field and their own region', async () => {
    const { dashboard } = await twoDistricts(h());
    const response = await dashboard('?region=330106');
    assert.equal(response.statusCode, 403, response.body);
    assert.equal(response.json().field, 'region');
    assert.match(response.json().detail, /330110/);
  });

  it('is refused the city above their district', async () => {
    const { dashboard } = await twoDistricts(h());
    for (const city of ['330100', '3301']) {
      const response = await dashboard(`?region=${city}`);
      assert.equal(response.statusCode, 403, `${city}: ${response.body}`);
      assert.equal(response.json().field, 'region');
    }
  });

  it('asking for no region, gets their own district in every part of the answer', async () => {
    const { dashboard } = await twoDistricts(h());
    const response = await dashboard();
    assert.equal(response.statusCode, 200, response.body);
    const d = response.json();
    assert.deepEqual(d.coloursByRegion.map((r: { region: string }) => r.region), ['330110'], 'no Xihu row');
    // Zhang Wei alone is a group under 5: Yuhang's days show each colour as 0 to 4, and Liu Fang in them would make red 0 to 8.
    assert.ok(d.colourHistory.every((day: { counts: { red: number | { atMost: number } } }) => (typeof day.counts.red === 'number' ? day.counts.red : day.counts.red.atMost) <= 4), "Xihu's red is in no day's count");
    assert.ok(d.scansPerHour.every((hour: { scans: unknown }) => hour.scans === 0), 'no scan at a Xihu venue');
    assert.ok(d.quarantinesEnding.every((day: { residents: unknown }) => day.residents === 0), "not Liu Fang's quarantine");
    assert.equal(d.appealsOverdue, 0, "not Liu Fang's appeal");
    assert.deepEqual(d.correctionsByStaff, [], "not the Xihu officer's correction");
    assert.equal(d.region, '330110');
  });
});

/**
 * Yuhang has one red resident and five green; Xihu five red. The attacker is Hangzhou's officer,
 * who may read both districts and the city: the one red resident must show neither in Yuhang's row
 * nor as the city's red total less Xihu's.
 */
describeOnEachEngine('a small count on the dashboard', (h) => {
  async function oneRedInYuhang() {
    const app = await h().app();
    await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    await resident(h(), ZHANG_WEI, wuchangTrip);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330110', n), healthy);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330106', n), wuchangTrip);
    const city = await h().services.staff.create('杭州市疾控中心 孙主任', 'authority', '330100');
    const dashboard = async (query = '') => {
      const response = await app.inject({ method: 'GET', url: `/api/v1/dashboard${query}`, headers: bearer(city.token) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
    return { dashboard };
  }

  it("does not appear in the district's row", async () => {
    const { dashboard } = await oneRedInYuhang();
    const rows = Object.fromEntries((await dashboard()).coloursByRegion.map((r: { region: string; counts: unknown }) => [r.region, r.counts]));
    assert.deepEqual(rows['330110'], { green: 5, yellow: 0, red: { atLeast: 1, atMost: 4 }, gray: 0 });
    assert.deepEqual(rows['330106'], { green: 0, yellow: 0, red: 5, gray: 0 });
  });

  it("cannot be had as the city's total less the other districts", async () => {
    const { dashboard } = await oneRedInYuhang();
    const city = await dashboard();
    const xihu = await dashboard('?region=330106');
    const cityRed = city.colourHistory.at(-1).counts.red;
    const xihuRed = xihu.colourHistory.at(-1).counts.red;
    assert.equal(xihuRed, 5);
    // Were the city's red exact (6), 6 - 5 would be Yuhang's one red resident.
    assert.deepEqual(cityRed, { atLeast: 6, atMost: 9 });
    assert.deepEqual(
      city.coloursByRegion.map((r: { counts: { red: unknown } }) => r.counts.red),
      [5, { atLeast: 1, atMost: 4 }],
    );
  });

  it("does not appear in the district's own history either", async () => {
    const { dashboard } = await oneRedInYuhang();
    const yuhang = await dashboard('?region=330110');
    assert.deepEqual(yuhang.colourHistory.at(-1).counts.red, { atLeast: 1, atMost: 4 });
    // Zhang Wei's is Yuhang's only quarantine: every day shows 0 to 4, hers no different from the others.
    assert.ok(yuhang.quarantinesEnding.every((d: { residents: unknown }) => JSON.stringify(d.residents) === JSON.stringify({ atLeast: 0, atMost: 4 })));
  });

  it("does not tell, by exact zeros beside it, that everyone registered in a small district is red, nor the day their quarantine ends", async () => {
    const { dashboard } = await oneRedInYuhang();
    // Gongshu's only two residents both stayed in Wuchang: an officer who knows one of them lives there reads the row.
    for (let n = 0; n < 2; n++) await resident(h(), neighbour('330105', n), wuchangTrip);
    const hidden = { atLeast: 0, atMost: 4 };
    const row = (await dashboard()).coloursByRegion.find((r: { region: string }) => r.region === '330105').counts;
    assert.deepEqual(row, { green: hidden, yellow: hidden, red: hidden, gray: hidden });
    const gongshu = await dashboard('?region=330105');
    assert.deepEqual(gongshu.colourHistory.at(-1).counts, { green: hidden, yellow: hidden, red: hidden, gray: hidden });
    assert.ok(
      gongshu.quarantinesEnding.every((day: { residents: unknown }) => JSON.stringify(day.residents) === JSON.stringify(hidden)),
      `no day stands out: ${JSON.stringify(gongshu.quarantinesEnding.map((d: { residents: unknown }) => d.residents))}`,
    );
  });
});

/**
 * Zhejiang's officer, who may pick a city: Yuhang has one red resident and five green, Xihu five
 * red (both Hangzhou), Haishu (Ningbo) five red. The city's row must not give Yuhang's red back as
 * Hangzhou's less Xihu's, nor the province's less Ningbo's.
 */
describeOnEachEngine("a city's sum on a province officer's dashboard", (h) => {
  async function province() {
    const app = await h().app();
    await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    await resident(h(), ZHANG_WEI, wuchangTrip);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330110', n), healthy);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330106', n), wuchangTrip);
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330203', n), wuchangTrip);
    const officer = await h().services.staff.create('浙江省疾控中心 钱主任', 'authority', '330000');
    return async (query = '') => {
      const response = await app.inject({ method: 'GET', url: `/api/v1/dashboard${query}`, headers: bearer(officer.token) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
  }
  const red = (rows: { region: string; counts: { red: unknown } }[], code: string) => rows.find((r) => r.region === code)?.counts.red;

  it("does not give a hidden district back as the city's row less its other districts", async () => {
    const d = await (await province())();
    assert.deepEqual(d.coloursByCity.map((r: { region: string }) => r.region), ['330100', '330200']);
    assert.equal(red(d.coloursByRegion, '330106'), 5);
    // Were Hangzhou's red exact (6), 6 - 5 would be Yuhang's one red resident.
    assert.deepEqual(red(d.coloursByCity, '330100'), { atLeast: 6, atMost: 9 });
    assert.equal(red(d.coloursByCity, '330200'), 5);
  });

  it("does not give a hidden district back as the province's total less another city's row, nor the city picked less its districts", async () => {
    const dashboard = await province();
    const d = await dashboard();
    assert.deepEqual(d.colourHistory.at(-1).counts.red, { atLeast: 11, atMost: 14 });
    const hangzhou = await dashboard('?region=330100');
    assert.deepEqual(hangzhou.coloursByCity.map((r: { region: string }) => r.region), ['330100'], 'the city picked is its one row');
    assert.deepEqual(red(hangzhou.coloursByCity, '330100'), { atLeast: 6, atMost: 9 });
    assert.deepEqual(hangzhou.colourHistory.at(-1).counts.red, { atLeast: 6, atMost: 9 });
  });
});

/**
 * New registrations not yet decided (gray until their first declaration) are counted, in the same
 * group as their district's colours: Gongshu's lone new resident beside five green must not show as
 * "1 never decided", nor two new residents alone in Shangcheng as exact zeros beside them.
 */
describeOnEachEngine('residents never decided on the dashboard', (h) => {
  async function newcomers() {
    const app = await h().app();
    for (let n = 0; n < 5; n++) await resident(h(), neighbour('330105', n), healthy);
    await h().services.residents.register(neighbour('330105', 5), { phoneVerifiedAt: h().clock.now().getTime() });
    for (let n = 0; n < 2; n++) await h().services.residents.register(neighbour('330102', n), { phoneVerifiedAt: h().clock.now().getTime() });
    for (let n = 0; n < 5; n++) await h().services.residents.register(neighbour('330110', n), { phoneVerifiedAt: h().clock.now().getTime() });
    const city = await h().services.staff.create('杭州市疾控中心 孙主任', 'authority', '330100');
    return async (query = '') => {
      const response = await app.inject({ method: 'GET', url: `/api/v1/dashboard${query}`, headers: bearer(city.token) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json();
    };
  }
  // A district's row as the officer reads it: its colours and those never decided.
  const row = (d: { coloursByRegion: { region: string; counts: unknown; undecided: unknown }[] }, code: string) => {
    const found = d.coloursByRegion.find((r) => r.region === code);
    return found && { counts: found.counts, undecided: found.undecided };
  };

  it('are counted in their district, and five of them exactly', async () => {
    const d = await (await newcomers())();
    assert.deepEqual(row(d, '330110'), { counts: { green: 0, yellow: 0, red: 0, gray: 0 }, undecided: 5 });
    assert.deepEqual(d.colourHistory.at(-1).undecided, { atLeast: 6, atMost: 13 });
  });

  it('do not show one new resident beside five decided ones, nor exact zeros beside two alone', async () => {
    const dashboard = await newcomers();
    const d = await dashboard();
    const hidden = { atLeast: 0, atMost: 4 };
    assert.deepEqual(row(d, '330105'), { counts: { green: 5, yellow: 0, red: 0, gray: 0 }, undecided: { atLeast: 1, atMost: 4 } });
    assert.deepEqual(row(d, '330102'), { counts: { green: hidden, yellow: hidden, red: hidden, gray: hidden }, undecided: hidden });
    const shangcheng = await dashboard('?region=330102');
    assert.deepEqual(shangcheng.colourHistory.at(-1).undecided, hidden);
  });
});
