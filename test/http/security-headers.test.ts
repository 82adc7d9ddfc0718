import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { API_HEADERS, APP_CSP, registerProtection } from '../../src/http/protection.js';
import { helmetHeaders } from '../../src/http/security-headers.js';

/** What a response carries of the headers a browser's protection reads. */
const HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-powered-by',
  'x-xss-protection',
];

/** @fastify/helmet as the server would register it: the apps' set, the docs' page relaxed, the API's shorter set per route. */
async function withFastifyHelmet(tlsTerminated: boolean): Promise<FastifyInstance> {
  const app = Fastify();
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      (route as { helmet?: unknown }).helmet = { contentSecurityPolicy: { directives: { ...APP_CSP, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] } } };
    } else if (route.url.startsWith('/api/')) {
      route.config = { ...(route.config as object | undefined) };
      (route as { helmet?: unknown }).helmet = API_HEADERS;
    }
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: tlsTerminated ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  return routes(app);
}

async function withProtection(tlsTerminated: boolean): Promise<FastifyInstance> {
  const app = Fastify();
  await registerProtection(app, { tlsTerminated });
  return routes(app);
}

function routes(app: FastifyInstance): FastifyInstance {
  app.get('/api/v1/thing', async (_request, reply) => reply.header('x-powered-by', 'set before').send({ ok: true }));
  app.get('/docs/page', async () => 'docs');
  app.get('/failing', async () => {
    throw new Error('broken');
  });
  return app;
}

const protectionOf = (response: { headers: Record<string, unknown> }) => Object.fromEntries(HEADERS.map((name) => [name, response.headers[name]]));

describe('security headers worked out once', () => {
  for (const tlsTerminated of [false, true]) {
    for (const url of ['/api/v1/thing', '/docs/page', '/failing', '/nowhere']) {
      it(`are the headers @fastify/helmet set on ${url}${tlsTerminated ? ' behind TLS' : ''}`, async () => {
        const [before, now] = [await withFastifyHelmet(tlsTerminated), await withProtection(tlsTerminated)];
        try {
          const expected = protectionOf(await before.inject({ method: 'GET', url }));
          assert.ok(expected['content-security-policy'], 'helmet set no CSP: the comparison would prove nothing');
          assert.deepEqual(protectionOf(await now.inject({ method: 'GET', url })), expected);
        } finally {
          await before.close();
          await now.close();
        }
      });
    }
  }

  it('refuses options whose headers would change per request', () => {
    assert.throws(() => helmetHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-abc'"] } } }), /changes per request|function/);
  });
});
