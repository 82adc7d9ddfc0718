import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import * as auth from '../../src/http/auth.js';
import { decorateRouteAccess, guardRoutes, securityOf, staffCaller, type RouteAccess } from '../../src/http/route-access.js';
import { createHarness, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const ROUTES = 'src/http/routes';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  security?: unknown;
}

/** Every operation of the OpenAPI document, as `METHOD /fastify/:style/url`. */
function operationsOf(document: { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> }): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => (item[m] ? [[`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, item[m]] as [string, Operation]] : [])),
  );
}

/** A bare app with the guard and one route, to see what the guard makes of a declaration. */
async function appWith(h: Harness, route: (api: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify();
  const registry = decorateRouteAccess(app);
  await app.register(async (api) => {
    guardRoutes(api, h.services, registry);
    route(api);
  });
  return app;
}

describe('who may call a route, declared with the route', () => {
  let h: Harness;
  let app: FastifyInstance;
  before(async () => {
    h = await createHarness('sqlite', { mode: 'development' });
    app = await h.app();
    await app.ready();
  });
  after(async () => h.dispose());

  it('has every operation of the API document declare who may call it', () => {
    const undeclared = operationsOf(app.swagger() as never)
      .map(([name]) => name)
      .filter((name) => !app.routeAccess.has(name));
    assert.deepEqual(undeclared, []);
  });

  it("writes each operation's OpenAPI security from its declaration: the bearer scheme unless the route is public", () => {
    const disagreeing = operationsOf(app.swagger() as never).filter(([name, op]) => JSON.stringify(op.security) !== JSON.stringify(securityOf(app.routeAccess.get(name)!)));
    assert.deepEqual(disagreeing.map(([name]) => name), []);
  });

  it('says so explicitly of public routes, and names the roles of staff routes', () => {
    assert.deepEqual(app.routeAccess.get('GET /api/v1/rules'), { public: true });
    assert.deepEqual(app.routeAccess.get('GET /api/v1/audit-log'), { staff: ['auditor'] });
    assert.deepEqual(app.routeAccess.get('GET /api/v1/residents/:id/code'), { resident: 'self' });
    assert.deepEqual(app.routeAccess.get('POST /api/v1/checkpoint/verify'), { device: true });
    assert.deepEqual(app.routeAccess.get('GET /api/v1/host/code'), { hostApp: 'code:read' });
  });

  it('leaves no route handler checking a credential itself', () => {
    const checking = /\bauthorize\w*\(|\bauthenticate\(|bearerToken\(|authenticateDevice\(|residentFor\(|mayActFor\(|\bsecurity:/;
    const offending = (readdirSync(ROUTES, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && checking.test(readFileSync(join(ROUTES, f), 'utf8')));
    assert.deepEqual(offending, []);
    assert.deepEqual(Object.keys(auth).filter((name) => name.startsWith('authorize') || name === 'authenticate'), []);
  });

  it("checks a request's shape before its credential, as the handlers did: a bad body without a credential is 400, a good one 401", async () => {
    const grant = { staffId: '6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b', scope: 'trace', purpose: 'tracing the 余杭 cluster', hours: 24 };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/grants', payload: { ...grant, hours: 1000 } });
    const good = await app.inject({ method: 'POST', url: '/api/v1/grants', payload: grant });
    assert.deepEqual([bad.statusCode, good.statusCode], [400, 401]);
  });

  it('refuses a staff credential of another role with 403, and lets the handler read the staff member of one it names', async () => {
    const tracer = await h.services.staff.create('余杭区疾控中心 李芳', 'tracer', '330110');
    const headers = { authorization: `Bearer ${tracer.token}` };
    const refused = await app.inject({ method: 'GET', url: '/api/v1/staff/grantees', headers });
    const me = await app.inject({ method: 'GET', url: '/api/v1/staff/me', headers });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(me.json(), { id: tracer.id, name: '余杭区疾控中心 李芳', role: 'tracer', region: '330110' });
  });

  it("answers a resident asking for another's record 404, not 403: whether the id exists is not theirs to learn", async () => {
    const zhang = await signedUpThroughApi(h, ZHANG_WEI, app);
    const liu = await signedUpThroughApi(h, LIU_FANG, app);
    const response = await app.inject({ method: 'GET', url: `/api/v1/residents/${liu.id}/code`, headers: zhang.auth });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json<{ type: string }>().type, '/problems/not-found');
  });

  it('refuses to start with a route that declares no access', async () => {
    const starting = async () => (await appWith(h, (api) => api.get('/api/v1/forgotten', async () => 'open'))).ready();
    await assert.rejects(starting, /GET \/api\/v1\/forgotten declares no access/);
  });

  it('refuses to start with a route that writes its OpenAPI security by hand', async () => {
    const byHand = { config: { access: { staff: ['authority'] } }, schema: { security: [{ bearerAuth: [] }] } } as const;
    const starting = async () => (await appWith(h, (api) => api.get('/api/v1/by-hand', byHand, async () => 'x'))).ready();
    await assert.rejects(starting, /sets schema.security by hand/);
  });

  it("refuses to start with a route for a resident's own record that has no :id in its path", async () => {
    const access: RouteAccess = { resident: 'self' };
    const starting = async () => (await appWith(h, (api) => api.get('/api/v1/mine', { config: { access } }, async () => 'x'))).ready();
    await assert.rejects(starting, /declares resident: 'self' but has no :id/);
  });

  it('answers a handler reading a caller its route does not declare with a server error, never a way in', async () => {
    const bare = await appWith(h, (api) => api.get('/api/v1/misread', { config: { access: { public: true } } }, async (request) => staffCaller(request).name));
    const response = await bare.inject({ method: 'GET', url: '/api/v1/misread' });
    assert.equal(response.statusCode, 500);
    await bare.close();
  });
});
