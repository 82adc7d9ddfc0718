import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { signedUpThroughApi } from '../support/sign-in.js';

async function signIn(h: Harness, app: FastifyInstance, person: RegistrationInput) {
  const { id, auth } = await signedUpThroughApi(h, person, app);
  await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: { stays: [], contacts: [], symptoms: [], temperature: 36.5 } });
  return { id, auth };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeOnEachEngine('checkpoints, place codes and contact tracing', (h) => {
  it('finds who overlapped with a case at a mall, turns them red with the trace as reason, and logs who traced and why', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('杭州市疾控中心 王主任', 'authority');
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const auditor = await h().services.staff.create('审计员 李明', 'auditor');

    const venue = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/venues',
        headers: bearer(authority.token),
        payload: { name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.2722, longitude: 120.0695, operator: '印象城商业管理' },
      })
    ).json();
    const device = (await app.inject({ method: 'POST', url: `/api/v1/venues/${venue.id}/devices`, headers: bearer(authority.token), payload: { name: '北门 1 号闸机' } })).json();

    const zhang = await signIn(h(), app, ZHANG_WEI);
    const liu = await signIn(h(), app, LIU_FANG);
    const oliver = await signIn(h(), app, OLIVER_BROWN);
    const tokenOf = async (r: { id: string; auth: { authorization: string } }) => (await app.inject({ method: 'GET', url: `/api/v1/residents/${r.id}/code`, headers: r.auth })).json().token as string;

    // 10:00 Zhang shows a green code at the mall's gate (online), and checks in with the place code.
    const scan = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device.token), payload: { scanId: 'gate1-0001', token: await tokenOf(zhang) } });
    assert.deepEqual(scan.json(), { scanId: 'gate1-0001', status: 'stored', colour: 'green', maskedName: '张*', validUntil: '2026-11-20T02:05:00.000Z', admitted: true, reason: 'allowed', issuer: { operator: 'local', operatorName: 'local', region: '330000' }, decidedAt: '2026-11-20T02:00:00.000Z' });
    const visit = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/visits`, headers: zhang.auth, payload: { placeCode: venue.placeCode, visitId: 'app-visit-1' } });
    assert.deepEqual([visit.statusCode, visit.json().venue, visit.json().colour], [201, '西溪印象城', 'green']);

    // 10:30 Liu, and 15:00 Oliver, are scanned offline; the device uploads later, once twice.
    h().clock.advance(30 * 60_000);
    const liuToken = await tokenOf(liu);
    h().clock.advance(4.5 * 3_600_000);
    // The residents' sessions have ended by 15:00; the code is what their app would show.
    const oliverToken = (await h().services.healthCodes.issue(oliver.id)).token;
    const batch = {
      scans: [
        { scanId: 'gate1-0002', token: liuToken, scannedAt: '2026-11-20T10:30:00+08:00' },
        { scanId: 'gate1-0003', token: oliverToken, scannedAt: '2026-11-20T15:00:00+08:00' },
        { scanId: 'bad id!', token: oliverToken, scannedAt: '2026-11-20T15:01:00+08:00' },
      ],
    };
    const uploaded = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device.token), payload: batch });
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const upload = uploaded.json();
    assert.deepEqual(upload.results.map((r: { status: string }) => r.status), ['stored', 'stored', 'rejected']);
    const retry = (await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device.token), payload: batch })).json();
    assert.deepEqual(retry.results.map((r: { status: string }) => r.status), ['duplicate', 'duplicate', 'rejected']);
    assert.equal((await h().opened.store.db.selectFrom('scans').selectAll().execute()).length, 4);

    // Zhang is confirmed; the authority lets the tracer trace, for a stated purpose.
    const csv = `phone,status,date\n${ZHANG_WEI.phone},confirmed,2026-11-20T14:00:00+08:00\n`;
    await app.inject({ method: 'POST', url: '/api/v1/imports/cases', headers: { ...bearer(authority.token), 'content-type': 'text/csv' }, payload: csv });
    const grant = (
      await app.inject({ method: 'POST', url: '/api/v1/grants', headers: bearer(authority.token), payload: { staffId: tracer.id, scope: 'trace', purpose: '确诊病例 2026-0412 流调', residentId: zhang.id, hours: 24 } })
    ).json();
    const opened = await app.inject({
      method: 'POST',
      url: '/api/v1/traces',
      headers: bearer(tracer.token),
      payload: { caseResidentId: zhang.id, from: '2026-11-18T00:00:00+08:00', to: '2026-11-20T15:00:00+08:00', grantId: grant.id },
    });
    assert.equal(opened.statusCode, 201, opened.body);
    const trace = opened.json();
    assert.deepEqual(
      trace.contacts.map((c: { residentId: string; level: string; maskedName: string }) => [c.residentId, c.level, c.maskedName]),
      [[liu.id, 'close', '刘*芳']],
    );
    assert.deepEqual(trace.contacts[0].evidence[0], {
      kind: 'same-venue',
      venueId: venue.id,
      venue: '西溪印象城',
      caseAt: '2026-11-20T02:00:00.000Z',
      contactAt: '2026-11-20T02:30:00.000Z',
      minutesApart: 30,
      overlapMinutes: 30,
    });

    // The authority confirms under a trace grant of its own, as confirming turns people's colours.
    const own = (
      await app.inject({ method: 'POST', url: '/api/v1/grants', headers: bearer(authority.token), payload: { staffId: authority.id, scope: 'trace', purpose: '确诊病例 2026-0412 流调确认', residentId: zhang.id, hours: 24 } })
    ).json();
    const confirmed = (await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(authority.token), payload: { grantId: own.id } })).json();
    assert.deepEqual(confirmed, { contacts: 1, colourChanges: 1, notified: 1, transitions: [{ from: 'green', to: 'red', residents: 1 }] });
    const liuNow = await h().services.decisions.decide(liu.id, 'test');
    assert.equal(liuNow.colour, 'red');
    assert.equal(liuNow.rules[0]?.id, 'red-close-contact');
    assert.equal(liuNow.rules[0]?.evidence[0]?.source, 'trace');
    assert.equal((await h().services.decisions.history(liu.id, 1))[0]?.cause, `trace ${trace.id}`);
    const [notice] = await h().ctx.stores.outbox.list(1, '+8615067891234');
    assert.match(notice!.body, /红码/);
    assert.equal((await h().services.decisions.decide(oliver.id, 'test')).colour, 'green');

    // The audit log says who opened the trace and why; the case can see it too.
    const log = (await app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: bearer(auditor.token) })).json();
    const open = log.find((e: { action: string }) => e.action === 'open-trace');
    assert.deepEqual([open.actor, open.purpose, open.residentId], ['流调员 陈静 (tracer)', '确诊病例 2026-0412 流调', zhang.id]);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/audit-log/verify', headers: bearer(auditor.token) })).json(), { entries: log.length, firstBroken: null, problem: null });
  });

  it('refuses to trace without a grant for that purpose', async () => {
    const app = await h().app();
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/traces',
      headers: bearer(tracer.token),
      payload: { caseResidentId: zhang.id, from: '2026-11-18T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: '5b4f1e0a-8f5e-4c1a-9d51-3c0c2b1f7a10' },
    });
    assert.equal(response.statusCode, 403);
    assert.deepEqual(await h().services.audit.entries({ limit: 10 }), []);
  });

  it('detects an edited or deleted audit entry', async () => {
    const authority = await h().services.staff.create('王主任', 'authority');
    for (const purpose of ['第一次授权 流调', '第二次授权 流调', '第三次授权 流调']) {
      await h().services.audit.grant(authority, { staffId: authority.id, scope: 'trace', purpose, residentId: null, hours: 1 });
    }
    assert.equal((await h().services.audit.verify()).firstBroken, null);
    await h().opened.store.db.updateTable('audit_log').set({ purpose: '篡改' }).where('seq', '=', 2).execute();
    assert.deepEqual(await h().services.audit.verify(), { entries: 3, firstBroken: 2, problem: 'entry 2 was changed' });
    await h().opened.store.db.deleteFrom('audit_log').where('seq', '=', 2).execute();
    assert.equal((await h().services.audit.verify()).problem, 'entry 2 is missing');
  });

  it("rejects a forged code, another region's key and a wrong device credential", async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('王主任', 'authority');
    const venue = await h().services.venues.registerVenue({ name: '未来科技城地铁站', type: 'subway_station', region: '330110', address: '文一西路', latitude: 30.28, longitude: 120.0, operator: '杭州地铁' });
    const device = await h().services.venues.registerCheckpointDevice(venue.id, '闸机');
    const { generateSigningKey, signToken } = await import('../../src/codes/token-signer.js');
    const stranger = signToken(generateSigningKey('CN-420106'), { subject: 'x', issuedAt: 1795140000, notBefore: 1795140000, expiresAt: 1795140300, colour: 'green', mark: null, maskedName: '某*' });
    const result = (await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device.token), payload: { scanId: 's1', token: stranger } })).json();
    assert.deepEqual([result.admitted, result.reason, result.colour], [false, 'unknown-key', null]);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(`${device.token.slice(0, -2)}xx`), payload: { scanId: 's2', token: stranger } });
    assert.equal(wrong.statusCode, 401);
    const staffAsDevice = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(authority.token), payload: { scanId: 's3', token: stranger } });
    assert.equal(staffAsDevice.statusCode, 401);
  });

  it('checks a person without a phone by ID number, colour only, and audits it', async () => {
    const venue = await h().services.venues.registerVenue({ name: '良睦路社区', type: 'residential_compound', region: '330110', address: '良睦路 1399 号', latitude: 30.29, longitude: 120.01, operator: '居委会' });
    const { token } = await h().services.venues.registerCheckpointDevice(venue.id, '小区门岗');
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const device = await h().services.venues.authenticateCheckpointDevice(token);
    const result = await h().services.scans.lookUpByIdNumber(device, { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber });
    assert.deepEqual(result, { colour: 'gray', admitted: true });
    assert.equal((await h().services.audit.entries({ residentId: zhang.id, limit: 5 }))[0]?.action, 'check-by-id-number');
  });

  it('deletes scans and check-ins past the retention window', async () => {
    const venue = await h().services.venues.registerVenue({ name: '仓前中学', type: 'school', region: '330110', address: '余杭塘路 2111 号', latitude: 30.29, longitude: 119.99, operator: '教育局' });
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.scans.visit(zhang.id, venue.id, 'v-old');
    h().clock.advance(29 * 86_400_000);
    await h().services.scans.visit(zhang.id, venue.id, 'v-new');
    assert.deepEqual(await h().services.scans.purge(28), { scans: 1, checkIns: 0 });
    assert.deepEqual((await h().opened.store.db.selectFrom('scans').select('scan_id').execute()).map((r) => r.scan_id), ['v-new']);
  });
});
