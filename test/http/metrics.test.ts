import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { SheddingLimits } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { describeOnEachEngine, UNLIMITED, type Harness } from '../support/harness.js';
import { scrape, sampleValue } from '../support/metrics-text.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Three sign-in codes a minute in all: the fourth asked for is refused by the total limit. */
const LIMITS = { ...UNLIMITED, signInCodesPerMinute: 3 };

/** The difference each flow makes to a counter: read before and after. */
async function moved(app: FastifyInstance, name: string, labels: Record<string, string>, flow: () => Promise<unknown>): Promise<number> {
  const before = sampleValue(await scrape(app), name, labels);
  await flow();
  return sampleValue(await scrape(app), name, labels) - before;
}

/** Signs a resident up and has them declare no travel and no symptoms: green, as most residents at the morning peak. */
async function greenResident(h: Harness, app: FastifyInstance) {
  const resident = await signedUpThroughApi(h, ZHANG_WEI, app);
  const declared = await app.inject({ method: 'POST', url: `/api/v1/residents/${resident.id}/declarations`, headers: resident.auth, payload: { stays: [], contacts: [], symptoms: [], temperature: 36.5 } });
  assert.equal(declared.statusCode, 201, declared.body);
  return resident;
}

async function checkpointDevice(h: Harness): Promise<string> {
  const venue = await h.services.venues.registerVenue({ name: '龙翔桥地铁站', type: 'subway_station', region: '330102', address: '延安路', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' });
  return (await h.services.venues.registerCheckpointDevice(venue.id, 'C 口 2 号闸机')).token;
}

describeOnEachEngine('metrics an operator reads at /metrics', (h) => {
  it('counts a code view once, by its colour and by where it came from: the first from the database, the second from memory', async () => {
    const app = await h().app();
    const { id, auth } = await greenResident(h(), app);
    // The district's first code ever makes its signing key, a change that keeps that code out of memory.
    await h().services.healthCodes.issue((await signedUpThroughApi(h(), LIU_FANG, app)).id);
    const before = await scrape(app);
    const first = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth })).json<{ colour: string }>();
    assert.equal(first.colour, 'green');
    await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth });
    const after = await scrape(app);
    const delta = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    assert.equal(delta('healthcode_codes_shown_total', { colour: first.colour, served_from: 'database' }), 1);
    assert.equal(delta('healthcode_codes_shown_total', { colour: first.colour, served_from: 'memory' }), 1);
    assert.equal(delta('healthcode_code_cache_misses_total'), 1);
    assert.equal(delta('healthcode_code_cache_hits_total'), 1);
  });

  it('counts a refused scan under its reason and an accepted one under allowed, each once', async () => {
    const app = await h().app();
    const { id } = await greenResident(h(), app);
    const device = await checkpointDevice(h());
    const code = (await h().services.healthCodes.issue(id)).token;
    const i = code.length - 10;
    const tampered = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    const before = await scrape(app);
    const refused = (await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: 'gate2-0001', token: tampered } })).json<{ reason: string }>();
    const accepted = (await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: 'gate2-0002', token: code } })).json<{ admitted: boolean }>();
    assert.equal(accepted.admitted, true);
    const after = await scrape(app);
    const delta = (labels: Record<string, string>) => sampleValue(after, 'healthcode_scans_total', labels) - sampleValue(before, 'healthcode_scans_total', labels);
    assert.equal(delta({ outcome: 'refused', reason: refused.reason }), 1);
    assert.equal(delta({ outcome: 'accepted', reason: 'allowed' }), 1);
  });

  it('counts sign-in codes sent, and those refused by the per-phone back-off and by the total limit, each once', async () => {
    const app = await h().app();
    const ask = (phone: string) => app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone } });
    const before = await scrape(app);
    assert.equal((await ask('13912340001')).statusCode, 202);
    assert.equal((await ask('13912340001')).statusCode, 429);
    assert.equal((await ask('13912340002')).statusCode, 202);
    assert.equal((await ask('13912340003')).statusCode, 202);
    assert.equal((await ask('13912340004')).statusCode, 429);
    const after = await scrape(app);
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    assert.equal(delta('healthcode_sms_sent_total', { purpose: 'sign-in-code' }), 3);
    assert.equal(delta('healthcode_sms_refused_total', { limit: 'per-phone' }), 1);
    assert.equal(delta('healthcode_sms_refused_total', { limit: 'total' }), 1);
    assert.equal(delta('healthcode_http_requests_limited_total', { route: '/api/v1/sign-in/code' }), 2);
    assert.equal(sampleValue(after, 'healthcode_sms_sign_in_codes_limit_per_minute'), 3);
  });

  it('counts a shed request under its route pattern, and still answers /metrics while shedding', async (t) => {
    const swamped: SheddingLimits = { eventLoopDelayMs: 0, heapUsedBytes: 1, rssBytes: 0, retryAfterSeconds: 3, sampleIntervalMs: 50 };
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: UNLIMITED, shedding: swamped } });
    t.after(() => app.close());
    await app.ready();
    // The first measurement is taken one interval after start.
    await sleep(120);
    const shed = await moved(app, 'healthcode_http_requests_shed_total', { route: '/api/v1/venues' }, async () => {
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/venues?region=330110' })).statusCode, 503);
    });
    assert.equal(shed, 1);
  });

  it('shows the re-decision queue: how many wait and how long the oldest has waited, read at the scrape', async () => {
    const app = await h().app();
    const { id } = await signedUpThroughApi(h(), ZHANG_WEI);
    const now = h().clock.now().getTime();
    await h().ctx.stores.redecisions.enqueue([id], 'risk-area', now - 90_000);
    const text = await scrape(app);
    assert.equal(sampleValue(text, 'healthcode_redecision_queue_depth'), 1);
    assert.equal(sampleValue(text, 'healthcode_redecision_queue_oldest_age_seconds'), 90);
    assert.equal(sampleValue(text, 'healthcode_change_feed_up'), 1);
  });

  it('carries no personal data: no name, phone, identity number, resident id, session or code appears anywhere in /metrics', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const liu = await signedUpThroughApi(h(), LIU_FANG);
    const device = await checkpointDevice(h());
    const secrets: string[] = [device];
    for (const [person, resident] of [[ZHANG_WEI, zhang], [LIU_FANG, liu]] as const) {
      const code = (await app.inject({ method: 'GET', url: `/api/v1/residents/${resident.id}/code`, headers: resident.auth })).json<{ token: string; maskedName: string }>();
      await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: `gate-${resident.id.slice(0, 8)}`, token: code.token } });
      await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: `bad-${resident.id.slice(0, 8)}`, token: code.token.slice(0, -4) } });
      await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: person.phone } });
      await app.inject({ method: 'GET', url: `/api/v1/residents/${resident.id}/decisions`, headers: resident.auth });
      secrets.push(person.name, person.phone!, `+86${person.phone}`, person.idNumber, resident.id, resident.auth.authorization.slice('Bearer '.length), code.token, code.maskedName);
    }
    const text = await scrape(app);
    for (const secret of secrets) assert.ok(!text.includes(secret), `/metrics shows ${secret}`);
  });
  it('counts a method the API does not answer (TRACE, LOCK, made-up) as other: a client cannot add series by inventing methods', async () => {
    const app = await h().app();
    for (const method of ['TRACE', 'LOCK', 'PROPFIND'] as const) await app.inject({ method: method as 'GET', url: '/api/v1/rules' });
    const text = await scrape(app);
    for (const method of ['TRACE', 'LOCK', 'PROPFIND']) assert.ok(!text.includes(`method="${method}"`), `/metrics has a series for ${method}`);
    assert.ok(text.includes('method="other"'));
  });
}, { settings: { limits: LIMITS } });
