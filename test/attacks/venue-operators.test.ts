import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const MALL = { name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.2722, longitude: 120.0695, operator: '印象城商业管理' };
const SCHOOL = { name: '仓前中学', type: 'school', region: '330110', address: '余杭区仓前街道余杭塘路 2111 号', latitude: 30.2899, longitude: 119.9953, operator: '余杭区教育局' };

describeOnEachEngine('venue staff and the venues they operate', (h) => {
  async function twoOperators() {
    const app = await h().app();
    const mallStaff = await h().services.staff.create('印象城 物业', 'venue');
    const schoolStaff = await h().services.staff.create('仓前中学 门卫室', 'venue');
    const mall = (await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(mallStaff.token), payload: MALL })).json();
    const school = (await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(schoolStaff.token), payload: SCHOOL })).json();
    return { app, mallStaff, schoolStaff, mall, school };
  }

  it("refuses a device for another operator's venue, and stores none", async () => {
    const { app, mallStaff, school } = await twoOperators();
    const response = await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices`, headers: bearer(mallStaff.token), payload: { name: '偷装的扫码枪' } });
    assert.equal(response.statusCode, 403);
    assert.equal((await h().opened.store.db.selectFrom('checkpoint_devices').selectAll().execute()).length, 0);
  });

  it('adds a device to a venue its own credential registered', async () => {
    const { app, schoolStaff, school } = await twoOperators();
    const response = await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices`, headers: bearer(schoolStaff.token), payload: { name: '东门 1 号' } });
    assert.equal(response.statusCode, 201);
  });

  it('lets the authority add a device to any venue', async () => {
    const { app, school } = await twoOperators();
    const authority = await h().services.staff.create('余杭区疾控中心', 'authority');
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices`, headers: bearer(authority.token), payload: { name: '临时查验点' } })).statusCode, 201);
  });

  it('refuses venue staff a venue the authority registered', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('余杭区疾控中心', 'authority');
    const venueStaff = await h().services.staff.create('印象城 物业', 'venue');
    const station = (await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(authority.token), payload: { ...MALL, name: '未来科技城地铁站', type: 'subway_station' } })).json();
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/venues/${station.id}/devices`, headers: bearer(venueStaff.token), payload: { name: 'x' } })).statusCode, 403);
  });
});

describeOnEachEngine('the venues a credential manages', (h) => {
  it('lists to venue staff only the venues they registered, and to the authority every venue', async () => {
    const app = await h().app();
    const mallStaff = await h().services.staff.create('印象城 物业', 'venue');
    const schoolStaff = await h().services.staff.create('仓前中学 门卫室', 'venue');
    const authority = await h().services.staff.create('余杭区疾控中心', 'authority');
    await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(mallStaff.token), payload: MALL });
    await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(schoolStaff.token), payload: SCHOOL });
    const names = async (token: string) => (await app.inject({ method: 'GET', url: '/api/v1/venues/operated', headers: bearer(token) })).json().map((v: { name: string }) => v.name);
    assert.deepEqual(await names(mallStaff.token), ['西溪印象城']);
    assert.deepEqual((await names(authority.token)).sort(), ['仓前中学', '西溪印象城'].sort());
  });
});
