import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { registerThroughApi, signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PURPOSE = '确诊病例 2026-0412 流调';

/**
 * Every route where staff (or a checkpoint device) read personal data, tried by a reader who would
 * rather leave no trace: each read must add an entry to the hash-chained log naming who read.
 */
interface Read {
  route: string;
  reader: string;
  send: (app: FastifyInstance) => Promise<{ statusCode: number; body: string }>;
}

/** Zhang with an appeal, a correction proposed, a reclaim of his number opened; a tracer with grants; a gate device. */
async function everyKindOfRead(h: Harness): Promise<Read[]> {
  const app = await h.app();
  const zhang = await signedUpThroughApi(h, ZHANG_WEI);
  await h.services.declarations.declare(zhang.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  await h.services.appeals.file(zhang.id, '我一直居家，没有去过中高风险地区，请复核。');
  const authority = await h.services.staff.create('余杭区疾控中心 王主任', 'authority');
  const colleague = await h.services.staff.create('余杭区卫健局 李科长', 'authority');
  const tracer = await h.services.staff.create('流调员 陈静', 'tracer');
  await h.services.corrections.propose(colleague, zhang.id, { colour: 'yellow', reason: 'test-awaited', note: '请于 11 月 21 日前做核酸检测。', expiresAt: new Date(h.clock.now().getTime() + 3 * 86_400_000).toISOString() });
  assert.equal((await registerThroughApi(h, { ...ZHANG_WEI, name: '冒名者', phone: '13700001111' })).statusCode, 409, 'a reclaim of his number is open');
  const readPersonal = await h.services.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: PURPOSE, residentId: zhang.id, hours: 4 });
  const trace = await h.services.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: PURPOSE, residentId: zhang.id, hours: 4 });
  const opened = await app.inject({ method: 'POST', url: '/api/v1/traces', headers: bearer(tracer.token), payload: { caseResidentId: zhang.id, from: '2026-11-18T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: trace.id } });
  assert.equal(opened.statusCode, 201, opened.body);
  const traceId = opened.json().id as string;
  const venue = await h.services.venues.registerVenue({ name: '良睦路社区', type: 'residential_compound', region: '330110', address: '良睦路 1399 号', latitude: 30.29, longitude: 120.01, operator: '居委会' });
  const device = await h.services.venues.registerCheckpointDevice(venue.id, '小区门岗');
  const { id: deviceId } = await h.services.venues.authenticateCheckpointDevice(device.token);
  return [
    { route: 'POST /api/v1/residents/find', reader: tracer.name, send: (a) => a.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: readPersonal.id, phone: ZHANG_WEI.phone } }) },
    { route: 'POST /api/v1/traces', reader: tracer.name, send: (a) => a.inject({ method: 'POST', url: '/api/v1/traces', headers: bearer(tracer.token), payload: { caseResidentId: zhang.id, from: '2026-11-18T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: trace.id } }) },
    { route: 'POST /api/v1/residents/search', reader: tracer.name, send: (a) => a.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(tracer.token), payload: { grantId: readPersonal.id, query: ZHANG_WEI.idNumber } }) },
    { route: 'GET /api/v1/residents/{id}/timeline', reader: tracer.name, send: (a) => a.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/timeline?grantId=${readPersonal.id}`, headers: bearer(tracer.token) }) },
    { route: 'GET /api/v1/traces/{traceId}/preview', reader: tracer.name, send: (a) => a.inject({ method: 'GET', url: `/api/v1/traces/${traceId}/preview`, headers: bearer(tracer.token) }) },
    { route: 'GET /api/v1/traces/{traceId}', reader: tracer.name, send: (a) => a.inject({ method: 'GET', url: `/api/v1/traces/${traceId}?grantId=${trace.id}`, headers: bearer(tracer.token) }) },
    { route: 'GET /api/v1/appeals', reader: authority.name, send: (a) => a.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer(authority.token) }) },
    { route: 'GET /api/v1/corrections', reader: authority.name, send: (a) => a.inject({ method: 'GET', url: '/api/v1/corrections', headers: bearer(authority.token) }) },
    { route: 'POST /api/v1/checkpoint/lookup', reader: `checkpoint device ${deviceId}`, send: (a) => a.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(device.token), payload: { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber } }) },
    { route: 'GET /api/v1/identity-reclaims', reader: authority.name, send: (a) => a.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(authority.token) }) },
  ];
}

/** Routes staff reach that show no one's personal data: counts, their own credential, the log itself. */
const NO_PERSONAL_DATA = [
  'GET /api/v1/dashboard',
  'GET /api/v1/staff/me',
  'GET /api/v1/staff/grantees',
  'GET /api/v1/grants/mine',
  'GET /api/v1/venues/operated',
  'GET /api/v1/federation/status',
  'GET /api/v1/federation/members',
  'GET /api/v1/federation/visitors',
  'GET /api/v1/checkpoint/me',
  'GET /api/v1/audit-log',
  'GET /api/v1/audit-log.csv',
  'GET /api/v1/audit-log/verify',
];

describeOnEachEngine('staff reading personal data and hoping to leave no trace', (h) => {
  async function entriesAfter(read: Read): Promise<{ status: number; added: { actor: string; action: string }[] }> {
    const before = (await h().services.audit.verify()).entries;
    const response = await read.send(await h().app());
    const after = (await h().services.audit.verify()).entries;
    const added = (await h().services.audit.entries({ limit: Math.max(after - before, 1) })).slice(0, after - before);
    return { status: response.statusCode, added };
  }

  it('leaves an entry naming the reader for every read of personal data by staff or a gate, the chain intact', async () => {
    const reads = (await everyKindOfRead(h())).filter((r) => r.route !== 'GET /api/v1/identity-reclaims');
    const unaudited = [];
    for (const read of reads) {
      const { status, added } = await entriesAfter(read);
      assert.ok(status >= 200 && status < 300, `${read.route} answered ${status}`);
      if (!added.some((e) => e.actor.includes(read.reader))) unaudited.push(read.route);
    }
    assert.deepEqual(unaudited, []);
    assert.equal((await h().services.audit.verify()).firstBroken, null);
  });

  it('leaves an entry naming the authority who reads the queue of identity reclaims (masked names and ID numbers)', async () => {
    const read = (await everyKindOfRead(h())).find((r) => r.route === 'GET /api/v1/identity-reclaims')!;
    const { status, added } = await entriesAfter(read);
    assert.equal(status, 200);
    assert.ok(added.some((e) => e.actor.includes(read.reader)), `no audit entry for ${read.route}`);
  });

  it('knows every route staff read through: each is an audited read above or shows no personal data', async () => {
    const reads = new Set((await everyKindOfRead(h())).map((r) => r.route));
    const doc = (await (await h().app()).inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const staffReads = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method, op]) => method === 'get' && (op.security?.length ?? 0) > 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    // A resident's own routes, their consent screen and a host app's are the resident's reads of themselves, not staff's.
    const unknown = staffReads.filter((r) => !/\/residents\/\{id\}|\/host\/|^GET \/oauth\/|^GET \/api\/v1\/devices$/.test(r) && !reads.has(r) && !NO_PERSONAL_DATA.includes(r));
    assert.deepEqual(unknown, [], 'a new staff read route: audit its reads and add it above, or list it as showing no personal data');
  });
});
