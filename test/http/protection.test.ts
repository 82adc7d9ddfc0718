import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import { testRedis, TEST_REDIS_URL } from '../support/redis.js';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_LIMITS, type RequestLimits, type SheddingLimits } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import type { ProtectionOptions } from '../../src/http/protection.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { describeOnEachEngine, UNLIMITED, type Harness } from '../support/harness.js';
import { withCheck } from '../support/people.js';
import { registerThroughApi } from '../support/sign-in.js';

/** An address no other test run uses, so counts kept in Redis between runs do not meet. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const phone = (n: number) => `1391234${String(n).padStart(4, '0')}`;

async function appWith(h: Harness, protection: ProtectionOptions): Promise<FastifyInstance> {
  return buildApp({ services: h.services, bodyLimitBytes: 64 * 1024, protection });
}
const limits = (over: Partial<RequestLimits>): RequestLimits => ({ ...UNLIMITED, ...over });
/** Residents of Yuhang registering from one address, each with a phone and ID number of their own. */
const neighbour = (n: number): RegistrationInput => ({
  name: ['周建平', '吴丽娟', '郑海峰'][n % 3]!,
  idType: 'resident_id',
  idNumber: withCheck(`33011019900101${String(n).padStart(3, '0')}`),
  phone: `1395710${String(n).padStart(4, '0')}`,
  address: { region: '330110', detail: '良睦路 1399 号' },
});
const askCode = (app: FastifyInstance, remoteAddress: string, n: number) => app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress, payload: { phone: phone(n) } });

describeOnEachEngine('security headers and request limits', (h) => {
  const apps: FastifyInstance[] = [];
  const redisClients: Redis[] = [];
  after(async () => {
    for (const app of apps) await app.close();
    for (const r of redisClients) r.disconnect();
  });
  const app = async (protection: ProtectionOptions) => {
    const made = await appWith(h(), protection);
    apps.push(made);
    return made;
  };

  it('lets no other site frame or script the apps, sniff types or learn where people came from', async () => {
    const response = await (await app({})).inject({ method: 'GET', url: '/healthz' });
    const csp = response.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['strict-transport-security'], undefined);
  });

  it('answers the API with the protections a JSON answer needs and none of the headers only a page reads', async () => {
    const response = await (await app({})).inject({ method: 'GET', url: '/api/v1/regions?q=yuhang' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin');
    for (const pageOnly of ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
      assert.equal(response.headers[pageOnly], undefined, pageOnly);
    }
  });

  it('asks browsers for HTTPS only when the operator says TLS ends in front', async () => {
    const response = await (await app({ tlsTerminated: true })).inject({ method: 'GET', url: '/healthz' });
    assert.match(response.headers['strict-transport-security'] as string, /max-age=31536000/);
  });

  it("limits one address asking for sign-in codes, while every other address goes on", async () => {
    const server = await app({ limits: limits({ signInCodesPerAddressPerMinute: 10 }) });
    const abuser = someAddress();
    const answers = [];
    for (let n = 0; n < 40; n++) answers.push((await askCode(server, abuser, n)).statusCode);
    assert.deepEqual([answers.filter((s) => s === 202).length, answers.filter((s) => s === 429).length], [10, 30]);
    const refused = await askCode(server, abuser, 41);
    assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(refused.json().type, '/problems/too-many-requests');
    assert.match(refused.json().detail, /too many codes asked for from this address/);
    assert.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60);
    for (let n = 0; n < 5; n++) assert.equal((await askCode(server, someAddress(), 100 + n)).statusCode, 202);
  });


  it('refuses registrations from one address past the hour\'s limit, naming too-many-registrations with Retry-After', async () => {
    const server = await app({ limits: limits({ registrationsPerAddressPerHour: 1 }) });
    const address = someAddress();
    const residents = async () => (await h().opened.store.db.selectFrom('residents').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    assert.equal((await registerThroughApi(h(), neighbour(1), server, address)).statusCode, 201);
    const before = Number(await residents());
    const refused = await registerThroughApi(h(), neighbour(2), server, address);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().reason, 'too-many-registrations');
    assert.ok(Number(refused.headers['retry-after']) > 60);
    assert.equal(Number(await residents()), before, 'the refused registration wrote a resident');
  });

  it('counts no registration a stranger sends with a wrong code: a neighbour behind the same address still registers', async () => {
    const server = await app({ limits: limits({ registrationsPerAddressPerHour: 1 }) });
    const address = someAddress();
    // A stranger on the same campus network sends forms with made-up codes, and malformed ones, all hour.
    for (let n = 0; n < 20; n++) {
      const answer = await server.inject({ method: 'POST', url: '/api/v1/residents', remoteAddress: address, payload: n % 2 === 0 ? {} : { ...neighbour(100 + n), code: '000000' } });
      assert.notEqual(answer.statusCode, 429, `the stranger's attempt ${n} was counted`);
    }
    const registered = await registerThroughApi(h(), neighbour(3), server, address);
    assert.equal(registered.statusCode, 201, registered.body);
  });

  it('counts a credential however its header is spaced: every spelling shares one count', async () => {
    const server = await app({ limits: limits({ verificationsPerCheckpointDevicePerMinute: 20, importsPerStaffPerHour: 3 }) });
    const credential = `hcd_${randomUUID()}.${'A'.repeat(43)}`;
    const spellings = ['Bearer ', 'Bearer  ', 'Bearer\t', 'Bearer \t ', 'Bearer\t\t', 'bearer ', 'BEARER\t'].flatMap((lead) => [`${lead}${credential}`, `${lead}${credential} `, `${lead}${credential}\t`]);
    const answers = [];
    for (let i = 0; i < 100; i++) {
      const authorization = spellings[i % spellings.length]!;
      answers.push((await server.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', remoteAddress: someAddress(), headers: { authorization }, payload: { token: 'JKM1:X' } })).statusCode);
    }
    assert.equal(answers.filter((s) => s !== 429).length, 20, 'the device got past its limit by spelling its header anew');
    const staff = `hcs_${randomUUID()}`;
    const imports = [];
    for (const lead of ['Bearer ', 'Bearer  ', 'Bearer\t', 'Bearer \t', 'Bearer   ', 'Bearer\t\t', 'Bearer \t\t', 'Bearer    ']) {
      imports.push((await server.inject({ method: 'POST', url: '/api/v1/imports/cases', remoteAddress: someAddress(), headers: { authorization: `${lead}${staff}`, 'content-type': 'application/json' }, payload: {} })).statusCode);
    }
    assert.equal(imports.filter((s) => s !== 429).length, 3, 'the staff credential got past its import limit by spelling its header anew');
  });

  it('stops a staff credential after 60 imports an hour from any number of addresses, with Retry-After, while another credential goes on', async () => {
    const server = await app({ limits: DEFAULT_LIMITS });
    const copied = await h().services.staff.create('余杭区疾控中心 数据导入', 'authority');
    const colleague = await h().services.staff.create('西湖区疾控中心 数据导入', 'authority');
    const importAs = (token: string) => server.inject({ method: 'POST', url: '/api/v1/imports/cases', remoteAddress: someAddress(), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: {} });
    const answers = [];
    for (let i = 0; i < DEFAULT_LIMITS.importsPerStaffPerHour; i++) answers.push((await importAs(copied.token)).statusCode);
    assert.ok(!answers.includes(429), `refused within the limit: ${answers.join(',')}`);
    const over = await importAs(copied.token);
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().type, '/problems/too-many-requests');
    assert.match(over.json().detail, /too many imports by this credential/);
    const retryAfter = Number(over.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After: ${over.headers['retry-after']}`);
    assert.notEqual((await importAs(colleague.token)).statusCode, 429);
  });

  it('counts a checkpoint device by its own credential: one device stopped, another goes on', async () => {
    const server = await app({ limits: limits({ verificationsPerCheckpointDevicePerMinute: 3 }) });
    const verify = (credential: string) => server.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', remoteAddress: '10.9.9.9', headers: { authorization: `Bearer ${credential}` }, payload: { token: 'JKM1:X' } });
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await verify('device-one-credential')).statusCode);
    assert.equal(first[3], 429);
    assert.notEqual((await verify('device-two-credential')).statusCode, 429);
  });

  it('counts the client behind a trusted proxy, not the proxy', async () => {
    const server = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: limits({ signInCodesPerAddressPerMinute: 2 }) }, trustProxyHops: 1 });
    apps.push(server);
    const proxy = someAddress();
    const via = (client: string, n: number) => server.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: proxy, headers: { 'x-forwarded-for': client }, payload: { phone: phone(n) } });
    const busy = someAddress();
    const statuses = [(await via(busy, 400)).statusCode, (await via(busy, 401)).statusCode, (await via(busy, 402)).statusCode, (await via(someAddress(), 403)).statusCode];
    assert.deepEqual(statuses, [202, 202, 429, 202]);
  });

  it('shares the counts through Redis when several processes serve', async (t) => {
    const redis = await testRedis();
    if (!redis) return t.skip(`no Redis at ${TEST_REDIS_URL}`);
    redisClients.push(redis);
    const one = await app({ redis, limits: limits({ signInCodesPerAddressPerMinute: 3 }) });
    const two = await app({ redis, limits: limits({ signInCodesPerAddressPerMinute: 3 }) });
    const address = someAddress();
    const statuses = [(await askCode(one, address, 300)).statusCode, (await askCode(two, address, 301)).statusCode, (await askCode(one, address, 302)).statusCode, (await askCode(two, address, 303)).statusCode];
    assert.deepEqual(statuses, [202, 202, 202, 429]);
  });
});

/** Memory marks passed from the first measurement on (heap over 1 byte), measured every 50 ms. */
const SWAMPED: SheddingLimits = { eventLoopDelayMs: 0, heapUsedBytes: 1, rssBytes: 0, retryAfterSeconds: 3, sampleIntervalMs: 50 };
/** The headers a browser's protection reads, as a response carries them. */
const PROTECTION_HEADERS = ['content-security-policy', 'cross-origin-resource-policy', 'referrer-policy', 'x-content-type-options', 'x-frame-options', 'x-dns-prefetch-control', 'x-xss-protection'];
const protectionOf = (response: { headers: Record<string, unknown> }) => Object.fromEntries(PROTECTION_HEADERS.map((name) => [name, response.headers[name]]));

describeOnEachEngine("the API's security headers on every answer, whatever refused it", (h) => {
  const apps: FastifyInstance[] = [];
  const roots: string[] = [];
  after(async () => {
    for (const app of apps) await app.close();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const app = async (protection: ProtectionOptions, webRoot?: string) => {
    const made = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection, ...(webRoot ? { webRoot } : {}) });
    apps.push(made);
    await made.ready();
    return made;
  };
  /** The apps built, as far as the server sees them: an index page, so their catch-all route is there. */
  const webRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'healthcode-web-'));
    roots.push(root);
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>healthcode</title>');
    return root;
  };

  it('sends the headers of an answered API request on 400, 404, 413, 415, 429 and 503 too', async () => {
    const calm = await app({ limits: UNLIMITED });
    const withApps = await app({ limits: UNLIMITED }, webRoot());
    const limited = await app({ limits: limits({ signInCodesPerAddressPerMinute: 1 }) });
    const swamped = await app({ limits: UNLIMITED, shedding: SWAMPED });
    // The first measurement is taken one interval after start.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const answered = await calm.inject({ method: 'GET', url: '/api/v1/regions?q=yuhang' });
    assert.equal(answered.statusCode, 200);
    const expected = protectionOf(answered);
    assert.equal(expected['content-security-policy'], "default-src 'none';frame-ancestors 'none'", 'the answered request carries no API headers: the sweep would prove nothing');
    const address = someAddress();
    const askCodeFrom = (server: FastifyInstance) => server.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: address, payload: { phone: phone(1) } });
    await askCodeFrom(limited);
    const refusals: [string, number, Promise<{ statusCode: number; headers: Record<string, unknown> }>][] = [
      ['a malformed address', 400, calm.inject({ method: 'GET', url: '/api/v1/rules/%zz' })],
      ['a malformed address, with the apps served', 400, withApps.inject({ method: 'GET', url: '/api/v1/rules/%zz' })],
      ['a malformed body', 400, calm.inject({ method: 'POST', url: '/api/v1/sign-in/code', headers: { 'content-type': 'application/json' }, payload: '{' })],
      ['no such route', 404, calm.inject({ method: 'GET', url: '/api/v1/nowhere' })],
      ['no such route, with the apps served', 404, withApps.inject({ method: 'GET', url: '/api/v1/nowhere' })],
      ['an identifier too long for the router', 404, calm.inject({ method: 'GET', url: `/api/v1/rules/${'x'.repeat(300)}` })],
      ['a body over the limit', 413, calm.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: 'x'.repeat(100 * 1024) } })],
      ['a body not JSON', 415, calm.inject({ method: 'POST', url: '/api/v1/sign-in/code', headers: { 'content-type': 'text/plain' }, payload: 'phone' })],
      ['a limit reached', 429, askCodeFrom(limited)],
      ['load shed', 503, swamped.inject({ method: 'GET', url: '/api/v1/venues' })],
    ];
    const without = [];
    for (const [why, status, pending] of refusals) {
      const response = await pending;
      assert.equal(response.statusCode, status, why);
      if (!isDeepStrictEqual(protectionOf(response), expected)) without.push(`${why} (${status})`);
    }
    assert.deepEqual(without, [], "answers without the API's headers");
  });
});

describeOnEachEngine('codes everyone together may make the SMS gateway send', (h) => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });
  const defaultApp = async () => {
    const made = await appWith(h(), { limits: DEFAULT_LIMITS });
    apps.push(made);
    return made;
  };

  it('counts only codes really sent: 610 malformed requests from 61 addresses, then a resident still gets a code', async () => {
    const server = await defaultApp();
    for (let a = 1; a <= 61; a++) {
      for (let n = 0; n < 10; n++) {
        const refused = await server.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: `127.0.${a}.1`, payload: { phone: 'x' } });
        assert.equal(refused.statusCode, 422);
      }
    }
    assert.deepEqual(await h().ctx.stores.outbox.list(10), [], 'no SMS was sent for a malformed phone');
    const resident = await askCode(server, '127.0.99.1', 1);
    assert.equal(resident.statusCode, 202, resident.body);
  });

  it('counts neither a phone told to wait nor one refused: a flood of re-asks for one phone leaves the rest of the city its codes', async () => {
    h().ctx.settings.limits = { ...DEFAULT_LIMITS, signInCodesPerMinute: 5 };
    const server = await defaultApp();
    const statuses = [];
    for (let a = 1; a <= 50; a++) statuses.push((await askCode(server, `127.1.${a}.1`, 0)).statusCode);
    assert.deepEqual([statuses.filter((s) => s === 202).length, statuses.filter((s) => s === 429).length], [1, 49]);
    for (let n = 1; n <= 4; n++) assert.equal((await askCode(server, `127.2.${n}.1`, n)).statusCode, 202);
  });

  it('bounds the codes sent to everyone together in a minute, and sends again the next minute', async () => {
    h().ctx.settings.limits = { ...DEFAULT_LIMITS, signInCodesPerMinute: 5 };
    const server = await defaultApp();
    const statuses = [];
    for (let n = 0; n < 7; n++) statuses.push((await askCode(server, someAddress(), 200 + n)).statusCode);
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429, 429]);
    const refused = await askCode(server, someAddress(), 210);
    assert.match(refused.json().detail, /the service is sending as many codes as it may just now/);
    assert.deepEqual(await h().ctx.stores.outbox.list(10, '+8613912340210'), [], 'no SMS past the bound');
    h().clock.advance(60_000);
    assert.equal((await askCode(server, someAddress(), 211)).statusCode, 202);
  });
});
