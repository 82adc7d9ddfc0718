import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { testRedis, TEST_REDIS_URL } from '../support/redis.js';
import type { RequestLimits } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { ProtectionOptions } from '../../src/http/protection.js';
import { describeOnEachEngine, UNLIMITED } from '../support/harness.js';
import { LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { registerThroughApi, signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
/** An address no other test run uses, so counts kept in Redis between runs do not meet. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const limits = (over: Partial<RequestLimits>): RequestLimits => ({ ...UNLIMITED, ...over });

/** The n-th of a run of Yuhang resident ID numbers born in 1950–1951. */
const idNumber = (n: number) => withCheck(`3301101950${String(1 + (n % 12)).padStart(2, '0')}${String(1 + Math.floor(n / 12)).padStart(2, '0')}${String(100 + n).slice(-3)}`);
const member = (n: number) => ({ name: '王桂英', idType: 'resident_id', idNumber: idNumber(n), address: { region: '330110', detail: '五常街道联胜路 10 号 2 幢 302 室' }, relationship: 'grandparent' });
/** A stranger's number the squatter gives as a household member's. */
const STRANGER = { name: '赵建国', idType: 'resident_id', idNumber: withCheck('33011019620308001'), address: { region: '330110', detail: '仓前街道文一西路 998 号' }, relationship: 'parent' };
const RECORDS = { method: 'authority-record', document: '居民身份证', reference: '公安人口库查询 2026-1120-0042' };
const IN_PERSON = { method: 'in-person', document: '居民身份证', reference: '五常街道服务点 2 号窗口' };

describeOnEachEngine('a resident adding household members to probe who is registered', (h) => {
  const apps: FastifyInstance[] = [];
  const redisClients: Redis[] = [];
  after(async () => {
    for (const app of apps) await app.close();
    for (const r of redisClients) r.disconnect();
  });
  const appWith = async (protection: ProtectionOptions) => {
    const made = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection });
    apps.push(made);
    return made;
  };

  it('gets the same answer, byte for byte but the ids, for 200 ID numbers whether registered or free', async () => {
    const app = await h().app();
    // Twenty of the numbers are registered: ten with phones of their own, ten as someone's household members.
    const registered = new Set<number>();
    const other = await h().services.residents.register(LIU_FANG);
    for (let n = 0; n < 200; n += 10) {
      registered.add(n);
      if (n % 20 === 0) await h().services.residents.register({ ...member(n), phone: `1370000${String(n).padStart(4, '0')}` });
      else await h().services.residents.addDependent(other.id, member(n));
    }
    const prober = await signedUpThroughApi(h(), ZHANG_WEI);
    const answers = new Map<number, { status: number; body: string; headers: string }>();
    const ids = new Set<string>();
    for (let n = 0; n < 200; n++) {
      const response = await app.inject({ method: 'POST', url: `/api/v1/residents/${prober.id}/dependents`, headers: prober.auth, payload: member(n) });
      const { id } = response.json() as { id: string };
      ids.add(id);
      // What differs by nature: the new id, and the masked number of the document given.
      const body = response.body.replaceAll(id, '<id>').replace(/"maskedIdNumber":"[^"]*"/, '"maskedIdNumber":"<given>"');
      const headers = JSON.stringify([response.headers['content-type'], response.headers['content-length']]);
      answers.set(n, { status: response.statusCode, body, headers });
    }
    assert.equal(ids.size, 200);
    const distinct = new Set([...answers.values()].map((a) => JSON.stringify(a)));
    assert.equal(distinct.size, 1, [...distinct].join('\n'));
    assert.equal([...answers.values()][0]!.status, 201);
    // Nor does anything read afterwards tell them apart: the list, each code's colour and reasons, the access log.
    for (const id of ids) await h().services.declarations.declare(id, healthy);
    const listed = (await app.inject({ method: 'GET', url: `/api/v1/residents/${prober.id}/dependents`, headers: prober.auth })).json() as { id: string; identityRevoked: boolean }[];
    assert.equal(listed.length, 200);
    assert.deepEqual(new Set(listed.map((d) => d.identityRevoked)), new Set([false]));
    const codes = new Set<string>();
    for (const [i, d] of listed.entries()) {
      if (!registered.has(i) && i % 20 !== 1) continue;
      const code = (await app.inject({ method: 'GET', url: `/api/v1/residents/${d.id}/code`, headers: prober.auth })).json() as { colour: string; rules: { id: string }[] };
      codes.add(JSON.stringify([code.colour, code.rules.map((r) => r.id)]));
    }
    assert.deepEqual([...codes], [JSON.stringify(['green', []])]);
    const log = (await app.inject({ method: 'GET', url: `/api/v1/residents/${prober.id}/access-log?limit=500`, headers: prober.auth })).json() as { action: string }[];
    assert.deepEqual(new Set(log.filter((e) => e.action !== 'sign-in').map((e) => e.action)).size <= 1, true, JSON.stringify(log.map((e) => e.action)));
    // The twenty clashes wait for the authority, out of band.
    assert.equal((await h().services.reclaims.pending(500)).filter((r) => r.forHouseholdMember).length, 20);
  });

  it('is stopped after a few a day, and the address after a few an hour, whoever signs in', async () => {
    const app = await appWith({ limits: limits({ dependentsPerResidentPerDay: 10, dependentsPerAddressPerHour: 15 }) });
    const address = someAddress();
    const prober = await signedUpThroughApi(h(), ZHANG_WEI);
    const helper = await signedUpThroughApi(h(), LIU_FANG);
    const add = (who: { id: string; auth: object }, n: number) => app.inject({ method: 'POST', url: `/api/v1/residents/${who.id}/dependents`, remoteAddress: address, headers: who.auth as Record<string, string>, payload: member(n) });
    const statuses: number[] = [];
    for (let n = 0; n < 11; n++) statuses.push((await add(prober, n)).statusCode);
    assert.deepEqual(statuses, [...Array(10).fill(201), 429]);
    const refused = await add(prober, 11);
    assert.equal(refused.json().status, 429);
    assert.match(refused.json().detail, /by this resident/);
    // Another resident at the same address goes on until the address is stopped.
    const more: number[] = [];
    for (let n = 20; n < 25; n++) more.push((await add(helper, n)).statusCode);
    assert.deepEqual(more, [201, 201, 201, 429, 429]);
    assert.equal(await h().opened.store.db.selectFrom('guardianships').select('dependent_id').execute().then((r) => r.length), 13);
  });

  it("cannot use up someone else's limit by naming them in the URL", async () => {
    const app = await appWith({ limits: limits({ dependentsPerResidentPerDay: 2 }) });
    const victim = await signedUpThroughApi(h(), ZHANG_WEI);
    const stranger = await signedUpThroughApi(h(), LIU_FANG);
    for (let n = 0; n < 5; n++) assert.equal((await app.inject({ method: 'POST', url: `/api/v1/residents/${victim.id}/dependents`, headers: stranger.auth, payload: member(n) })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/residents/${victim.id}/dependents`, headers: victim.auth, payload: member(9) })).statusCode, 201);
  });

  it('is limited across processes, counted in Redis', async (t) => {
    const redis = await testRedis();
    if (!redis) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
    redisClients.push(redis);
    const one = await appWith({ redis, limits: limits({ dependentsPerResidentPerDay: 3 }) });
    const two = await appWith({ redis, limits: limits({ dependentsPerResidentPerDay: 3 }) });
    const prober = await signedUpThroughApi(h(), ZHANG_WEI);
    const statuses: number[] = [];
    for (const [n, app] of [one, two, one, two].entries()) statuses.push((await app.inject({ method: 'POST', url: `/api/v1/residents/${prober.id}/dependents`, remoteAddress: someAddress(), headers: prober.auth, payload: member(n) })).statusCode);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  });
});

describeOnEachEngine("a squatter giving a stranger's ID number as a household member", (h) => {
  async function importPositiveTest() {
    const token = (await h().services.staff.create('余杭区疾控中心 数据组', 'authority')).token;
    const file = `idType,idNumber,result,date\nresident_id,${STRANGER.idNumber},positive,2026-11-19T08:00:00+08:00\n`;
    const report = await (await h().app()).inject({ method: 'POST', url: '/api/v1/imports/tests', headers: { ...bearer(token), 'content-type': 'text/csv' }, payload: file });
    assert.equal(report.json().accepted, 1, report.body);
  }

  it('sees the colour the records make, but not the test, its date or its source, until the identity is checked', async () => {
    const app = await h().app();
    const squatter = await signedUpThroughApi(h(), ZHANG_WEI);
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${squatter.id}/dependents`, headers: squatter.auth, payload: STRANGER });
    const dependentId = added.json().id as string;
    await app.inject({ method: 'POST', url: `/api/v1/residents/${dependentId}/declarations`, headers: squatter.auth, payload: healthy });
    await importPositiveTest();

    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: squatter.auth });
    assert.equal(code.json().colour, 'red', 'a person at risk is never shown green');
    const history = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/decisions`, headers: squatter.auth });
    const checkIn = await app.inject({ method: 'POST', url: `/api/v1/residents/${dependentId}/check-ins`, headers: squatter.auth, payload: { temperature: 36.4, symptoms: [] } });
    const appeal = await app.inject({ method: 'POST', url: `/api/v1/residents/${dependentId}/appeals`, headers: squatter.auth, payload: { message: '老人一直在家，没有做过检测，请核实。' } });
    const appeals = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/appeals`, headers: squatter.auth });
    const exported = await app.inject({ method: 'GET', url: `/api/v1/residents/${squatter.id}/export`, headers: squatter.auth });
    for (const [what, response] of [['code', code], ['decisions', history], ['check-in', checkIn], ['appeal', appeal], ['appeals', appeals], ['export', exported]] as const) {
      assert.ok(response.statusCode === 200 || response.statusCode === 201, `${what}: ${response.body}`);
      for (const secret of ['positive', '"test"', 'tests', '2026-11-19', '"source":"authority"', 'import of', 'red-positive']) assert.ok(!response.body.includes(secret), `${what} reveals ${secret}: ${response.body.slice(0, 400)}`);
    }
    assert.deepEqual(code.json().rules.map((r: { id: string }) => r.id), ['records-await-identity-check']);
    assert.equal(code.json().greenOn, null);
    const dependent = exported.json().dependents[0];
    assert.deepEqual([dependent.authorityRecords, dependent.recordsAwaitingIdentityCheck], [[], true]);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/travel-card`, headers: squatter.auth })).statusCode, 409);
  });

  it('shows the records once staff have checked the document at a gate', async () => {
    const app = await h().app();
    const relative = await signedUpThroughApi(h(), ZHANG_WEI);
    const dependentId = (await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: STRANGER })).json().id as string;
    await importPositiveTest();
    const venue = await h().services.venues.registerVenue({ name: '良睦路社区', type: 'residential_compound', region: '330110', address: '余杭区良睦路 1399 号', latitude: 30.29, longitude: 120.01, operator: '良睦社区居委会' });
    const device = (await h().services.venues.registerCheckpointDevice(venue.id, '东门')).token;
    await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(device), payload: { idType: STRANGER.idType, idNumber: STRANGER.idNumber } });
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth });
    assert.equal(code.json().colour, 'red');
    assert.ok(code.json().rules.some((r: { evidence: { fact: string; detail: { result?: string } }[] }) => r.evidence.some((e) => e.fact === 'test' && e.detail.result === 'positive')), code.body);
  });

  it("loses the number to its holder, who registers and gets it back through two authorities", async () => {
    const app = await h().app();
    const squatter = await signedUpThroughApi(h(), ZHANG_WEI);
    const dependentId = (await app.inject({ method: 'POST', url: `/api/v1/residents/${squatter.id}/dependents`, headers: squatter.auth, payload: STRANGER })).json().id as string;
    const { relationship: _, ...holder } = { ...STRANGER, phone: '13600007777' };
    const refused = await registerThroughApi(h(), holder);
    assert.equal(refused.json().type, '/problems/identity-taken');
    const reclaimId = /reclaim ([0-9a-f-]{36})/.exec(refused.json().detail)![1]!;
    const first = await h().services.staff.create('余杭区疾控中心 身份核验', 'authority');
    const second = await h().services.staff.create('余杭区公安分局 户籍科', 'authority');
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(first.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } })).statusCode, 200);
    const approved = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload: { evidence: IN_PERSON, note: '持证人到服务点核验原件' } });
    assert.equal(approved.statusCode, 200, approved.body);
    const holderId = approved.json().residentId as string;
    assert.equal((await h().services.residents.get(holderId)).identity.number, STRANGER.idNumber);
    const listed = (await app.inject({ method: 'GET', url: `/api/v1/residents/${squatter.id}/dependents`, headers: squatter.auth })).json();
    assert.deepEqual(listed.map((d: { id: string; identityRevoked: boolean }) => [d.id, d.identityRevoked]), [[dependentId, true]]);
    assert.equal((await h().services.decisions.decide(dependentId, 'test')).colour, 'gray');
    // Records imported from now on reach the holder, not the squatter's household.
    await h().ctx.stores.outbox.list(10, '+8613912345678').then((messages) => assert.ok(messages.some((m) => m.body.includes('belong to someone else'))));
  });
});

describeOnEachEngine('a relative adding a household member whose number another account holds', (h) => {
  it('adds them all the same, opens a claim the authority settles with two officers, and tells the holder out of band', async () => {
    const app = await h().app();
    const holder = await h().services.residents.register({ ...member(7), phone: '13700001111' });
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: member(7) });
    assert.equal(added.statusCode, 201, added.body);
    const dependentId = added.json().id as string;
    const [claim] = await h().services.reclaims.pending();
    assert.deepEqual([claim?.forHouseholdMember, claim?.status], [true, 'pending']);
    const [told] = await h().ctx.stores.outbox.list(1, '+8613700001111');
    assert.match(told!.body, /household member/);
    const first = await h().services.staff.create('余杭区疾控中心 身份核验', 'authority');
    const second = await h().services.staff.create('余杭区公安分局 户籍科', 'authority');
    await h().services.reclaims.propose({ id: first.id, name: first.name, role: 'authority', region: null }, claim!.id, { evidence: IN_PERSON, note: '家属陪同本人到服务点' });
    const approved = await h().services.reclaims.approve({ id: second.id, name: second.name, role: 'authority', region: null }, claim!.id, { evidence: RECORDS, note: '公安人口库核对一致' });
    assert.equal(approved.residentId, dependentId, 'the member added while the claim waited now holds the document');
    assert.equal((await h().services.residents.get(dependentId)).identity.number, member(7).idNumber);
    assert.notEqual((await h().services.residents.get(holder.id)).identityRevokedAt, null);
    assert.equal(await h().services.residents.recordsWithheld(dependentId), false, 'checked by the authority');
  });

  it('refuses the same person added twice alike whether their number was free or held, opening no second claim and sending no SMS', async () => {
    const app = await h().app();
    await h().services.residents.register({ ...member(7), phone: '13700001111' });
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    const add = (who: ReturnType<typeof member>) => app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: who });
    const answers = [];
    for (const who of [member(7), member(8)]) {
      assert.equal((await add(who)).statusCode, 201);
      const messages = (await h().ctx.stores.outbox.list(100)).length;
      const again = await add(who);
      answers.push([again.statusCode, again.json().field, again.json().detail]);
      assert.equal((await h().ctx.stores.outbox.list(100)).length, messages, 'no SMS to anyone for the second add');
    }
    assert.deepEqual(answers[0], [409, 'idNumber', 'this person is already in your household']);
    assert.deepEqual(answers[1], answers[0], 'the held number and the free one answer alike');
    assert.equal((await h().services.reclaims.pending()).length, 1, 'only the first add of the held number opened a claim');
  });

  it('leaves every later start able to move old indexes: a member waiting on a claim is not taken for one', async () => {
    const app = await h().app();
    const holder = await h().services.residents.register({ ...member(7), phone: '13700001111' });
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: member(7) });
    // What every start runs (cli/server.ts): it must neither fail on nor move the waiting index.
    for (let n = await h().ctx.stores.residentResealing.indexUnderRegionKeys(500); n > 0; n = await h().ctx.stores.residentResealing.indexUnderRegionKeys(500));
    assert.equal(await h().ctx.stores.residentLookups.findIdByIdentityKey(`resident_id:${member(7).idNumber}`), holder.id);
  });

  it('drops the claim with the relative who deleted their account, leaving the holder their document', async () => {
    const app = await h().app();
    const holder = await h().services.residents.register({ ...member(7), phone: '13700001111' });
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: member(7) });
    assert.equal((await h().services.reclaims.pending()).length, 1);
    await h().services.residents.deleteAccount(relative.id);
    assert.deepEqual(await h().services.reclaims.pending(), []);
    assert.equal((await h().services.residents.get(holder.id)).identityRevokedAt, null);
  });

  it('turns a household member red when the account holding their number is: a claim never keeps a person at risk green', async () => {
    const app = await h().app();
    await h().services.residents.register({ ...member(7), phone: '13700001111' });
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    const dependentId = (await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: member(7) })).json().id as string;
    await app.inject({ method: 'POST', url: `/api/v1/residents/${dependentId}/declarations`, headers: relative.auth, payload: healthy });
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth })).json().colour, 'green');
    // The authority imports a positive test for the number: it matches the account holding it.
    const token = (await h().services.staff.create('余杭区疾控中心 数据组', 'authority')).token;
    const file = `idType,idNumber,result,date\nresident_id,${member(7).idNumber},positive,2026-11-19T08:00:00+08:00\n`;
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/imports/tests', headers: { ...bearer(token), 'content-type': 'text/csv' }, payload: file })).json().accepted, 1);
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth });
    assert.equal(code.json().colour, 'red', code.body);
    assert.ok(!code.body.includes('positive'));
  });
});
