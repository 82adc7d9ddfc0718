import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import underPressure from '@fastify/under-pressure';
import { DEFAULT_LIMITS, type RequestLimits, type SheddingLimits } from '../config.js';
import { checkMobileNumber } from '../domain/phone.js';
import { bearerCredential } from './auth.js';
import { OverloadedError } from './problem.js';
import { applyHeaders, helmetHeaders, type HeaderSet } from './security-headers.js';
import { TooManyRequestsError } from '../services/service-errors.js';

export interface ProtectionOptions {
  limits?: RequestLimits;
  /** When to shed load; absent: never (the test harness, whose load is its own). */
  shedding?: SheddingLimits;
  /** Counts shared by every process serving (HEALTHCODE_REDIS_URL); absent: counted in this process's memory. */
  redis?: Redis;
  /** TLS ends in front of this server (HEALTHCODE_TLS_TERMINATED): browsers are told to come back only over HTTPS. */
  tlsTerminated?: boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Counts an action of a resident the route has authenticated against that resident's own limit
     * (429 past it): counted after sign-in is checked, so a stranger cannot use up someone else's.
     */
    limitResident(request: FastifyRequest, limit: 'dependents', residentId: string): Promise<void>;
    /** Counts a registration (or a visitor's admission) from the request's address, refusing it past the hour's limit. */
    limitRegistration(request: FastifyRequest): Promise<void>;
    /**
     * Sets the security headers for the address a request asked for. Every request's first hook
     * does it; an answer made before any hook (the router refusing a malformed address) calls it.
     */
    setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void;
  }
}
const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);
/**
 * A credential is counted by a digest of it, never by itself (Redis holds no secrets), and by the
 * credential the API reads from the header, not the header's bytes: `Bearer  x` and `Bearer\tx` are
 * one caller. A header with no credential is refused 401 before any work; those share one count.
 */
const credentialKey = (request: FastifyRequest) => digest(bearerCredential(request.headers.authorization) ?? 'none');
/** The phone a request proves with a code, as the service reads it; a digest, for the same reason. */
const phoneKey = (request: FastifyRequest) => {
  const text = (request.body as { phone?: unknown } | undefined)?.phone;
  const checked = typeof text === 'string' ? checkMobileNumber(text) : undefined;
  return digest(checked?.ok ? checked.value : String(text));
};

/**
 * Security headers (@fastify/helmet) and request limits (@fastify/rate-limit), for the apps and API
 * alike. The apps load nothing from elsewhere, so the CSP allows this origin only; the API docs' page
 * needs its own inline script. Limits answer 429 problem+json with Retry-After, per address or per
 * credential, so one abusive address is stopped while the rest of the city goes on.
 */
export async function registerProtection(app: FastifyInstance, options: ProtectionOptions = {}): Promise<void> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  // Helmet's headers, worked out once for the apps and once for the API docs' page (which needs its
  // own inline script): the same headers @fastify/helmet set, without rebuilding helmet per request.
  const appHelmet = {
    contentSecurityPolicy: { useDefaults: false, directives: APP_CSP },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.tlsTerminated ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  } as const;
  const appHeaders = helmetHeaders(appHelmet);
  // As a route's own helmet options were merged over the global ones: CSP defaults and all.
  const docsHeaders = helmetHeaders({ ...appHelmet, contentSecurityPolicy: { directives: { ...APP_CSP, scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"] } } });
  // A JSON answer is never a page (API_HEADERS below): the API's routes send the shorter set.
  const apiHeaders = replyHeaders(helmetHeaders({ ...appHelmet, ...API_HEADERS }));
  const setSecurityHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    // By the address asked for, not the route found: an /api/ address no route answers (404, or
    // the apps' catch-all passing it on) is an API answer too. The API's routes all answer through
    // Fastify (none hijacks its reply): their headers go with Fastify's own in one writeHead, rather
    // than each set on the response beforehand, which makes Node set every later header one by one too.
    if (request.url.startsWith('/api/')) reply.headers(apiHeaders);
    else applyHeaders(reply.raw, request.routeOptions.url?.startsWith('/docs') ? docsHeaders : appHeaders);
  };
  app.decorate('setSecurityHeaders', setSecurityHeaders);
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request, reply);
    done();
  });
  // Shed before counting: a refused request must not use up anyone's limit.
  if (options.shedding) await registerShedding(app, options.shedding);
  await app.register(rateLimit, { global: false, redis: options.redis, nameSpace: 'healthcode-limit-', skipOnError: true });

  const limiter = (name: string, max: number, timeWindow: number, keyGenerator: (request: FastifyRequest) => string) => {
    const check = app.createRateLimit({ max, timeWindow, keyGenerator: (request) => `${name}:${keyGenerator(request)}` });
    return { name, check };
  };
  const byAddress = (request: FastifyRequest) => request.ip;
  const signInAddress = limiter('sign-in-address', limits.signInCodesPerAddressPerMinute, MINUTE_MS, byAddress);
  // Codes sent to everyone together are counted by the sign-in service, where a code is really sent.
  // Registrations are counted once their phone's code is proven (limitRegistration, below): a stranger behind
  // the same address sending forms with wrong codes would otherwise use up everyone's hour.
  const registrations = limiter('registrations', limits.registrationsPerAddressPerHour, HOUR_MS, byAddress);
  const checkpointDevices = limiter('device', limits.verificationsPerCheckpointDevicePerMinute, MINUTE_MS, credentialKey);
  const imports = limiter('imports', limits.importsPerStaffPerHour, HOUR_MS, credentialKey);
  const signInAttempts = limiter('sign-in-attempts', limits.signInAttemptsPerAddressPerHour, HOUR_MS, (request) => `${request.ip}:${phoneKey(request)}`);
  const dependentsAddress = limiter('dependents-address', limits.dependentsPerAddressPerHour, HOUR_MS, byAddress);
  const residentOf = new WeakMap<FastifyRequest, string>();
  const dependentsResident = limiter('dependents-resident', limits.dependentsPerResidentPerDay, DAY_MS, (request) => residentOf.get(request) ?? 'none');
  const byRoute: Record<string, (typeof signInAddress)[]> = {
    'POST /api/v1/sign-in/code': [signInAddress],
    'POST /api/v1/checkpoint/verify': [checkpointDevices],
    'POST /api/v1/checkpoint/scans': [checkpointDevices],
    'POST /api/v1/checkpoint/lookup': [checkpointDevices],
    'POST /api/v1/imports/:kind': [imports],
    'POST /api/v1/residents/:id/dependents': [dependentsAddress],
  };
  // Tries of a code, by address and phone: one stranger cannot wear down every code a phone is sent
  // (each takes 5 tries in all), and nobody else behind the same address is held up.
  const afterValidation: Record<string, (typeof signInAddress)[]> = {
    'POST /api/v1/sign-in/session': [signInAttempts],
    'POST /api/v1/residents': [signInAttempts],
    'POST /api/v1/visitors': [signInAttempts],
  };
  const why: Record<string, string> = {
    'sign-in-address': 'too many codes asked for from this address',
    'sign-in-attempts': 'too many codes tried for this phone from this address',
    registrations: 'too many registrations from this address',
    device: 'this device has sent too many checks',
    imports: 'too many imports by this credential',
    'dependents-address': 'too many household members added from this address',
    'dependents-resident': 'too many household members added by this resident today',
  };
  // Named where an app says the refusal in its own words, with when to try again (Retry-After).
  const reasons: Record<string, string> = { registrations: 'too-many-registrations' };
  const applyLimits = async (request: FastifyRequest, checks: (typeof signInAddress)[]) => {
    for (const { name, check } of checks) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        request.log.warn({ limit: name }, 'request limit reached');
        throw new TooManyRequestsError(`${why[name]}: try again in ${result.ttlInSeconds} s`, result.ttlInSeconds, reasons[name]);
      }
    }
  };
  // Each route's limits are hooks of that route alone, found when it is registered: a route with
  // none (every code view) runs no limit hook at all, rather than a look-up for each request.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const before = byRoute[`${method} ${route.url}`];
      if (before) route.onRequest = [...[route.onRequest ?? []].flat(), async (request: FastifyRequest) => applyLimits(request, before)];
      // Once the body is read and valid, for limits keyed by what it names. A route's own hooks run
      // after the API's access check: on a public route that check lets everyone on, as before.
      const after = afterValidation[`${method} ${route.url}`];
      if (after && !(route.config?.access !== undefined && 'public' in route.config.access)) throw new Error(`${method} ${route.url} counts a limit after validation but is not public: its access check would run first`);
      if (after) route.preHandler = [...[route.preHandler ?? []].flat(), async (request: FastifyRequest) => applyLimits(request, after)];
    }
  });
  app.decorate('limitRegistration', async (request: FastifyRequest) => applyLimits(request, [registrations]));
  app.decorate('limitResident', async (request: FastifyRequest, _limit: 'dependents', residentId: string) => {
    residentOf.set(request, residentId);
    await applyLimits(request, [dependentsResident]);
  });
}

/**
 * A header set as Fastify's reply takes it: the headers to set. Those helmet takes away (`X-Powered-By`)
 * are set by nothing before a request's first hook, so there is nothing to take away then.
 */
function replyHeaders(headers: HeaderSet): Record<string, string> {
  return Object.fromEntries(headers.filter((header): header is readonly [string, string] => header[1] !== undefined));
}

/** Routes never shed: a probe must see the pressure, not be refused by it. */
export const NEVER_SHED = { pressureHandler: () => undefined };

/**
 * Past a threshold of load, a request is refused at once with 503 problem+json and Retry-After rather
 * than queued behind the others: the city's rush hour sees quick refusals and quick answers, not a
 * service that answers everyone late. /readyz reports it (NEVER_SHED routes pass).
 */
async function registerShedding(app: FastifyInstance, shedding: SheddingLimits): Promise<void> {
  let lastLogged = 0;
  // The event loop's delay is measured from registration on, so the first measures hold start-up's
  // own work (migrations, keys, compiling routes): a server just started would refuse everyone for
  // a moment. The delay counts only from the first measure taken wholly after the server is ready;
  // the memory thresholds count at once.
  const interval = Math.max(10, shedding.sampleIntervalMs ?? 1000);
  const started = () => {
    delayCountsFrom.set(app, performance.now() + 2 * interval);
  };
  app.addHook('onReady', async () => started());
  app.addHook('onListen', async () => started());
  await app.register(underPressure, {
    maxEventLoopDelay: shedding.eventLoopDelayMs,
    maxHeapUsedBytes: shedding.heapUsedBytes,
    maxRssBytes: shedding.rssBytes,
    retryAfter: shedding.retryAfterSeconds,
    sampleInterval: interval,
    pressureHandler: async (request, _reply) => {
      const measure = pressureOf(app, shedding);
      // Only a start-up delay, not counted: the request is served.
      if (measure === undefined) return;
      // One line a second at most: a flood of refusals must not become a flood of logs.
      if (Date.now() - lastLogged > 1000) {
        lastLogged = Date.now();
        request.log.warn({ measure }, 'shedding load');
      }
      throw new OverloadedError(measure, shedding.retryAfterSeconds);
    },
  });
}

/** When each app's event-loop delay starts to count (performance.now()); absent until it is ready. */
const delayCountsFrom = new WeakMap<FastifyInstance, number>();

/** Whether the service sheds load now, and why; undefined where it never does. */
export function pressureOf(app: FastifyInstance, shedding: SheddingLimits | undefined): string | undefined {
  if (!shedding) return undefined;
  const usage = app.memoryUsage();
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  const delayCounts = performance.now() >= (delayCountsFrom.get(app) ?? Number.POSITIVE_INFINITY);
  if (delayCounts && shedding.eventLoopDelayMs > 0 && usage.eventLoopDelay > shedding.eventLoopDelayMs) return `event-loop delay ${Number.isFinite(usage.eventLoopDelay) ? `${Math.round(usage.eventLoopDelay)} ms` : 'beyond measure (the loop was held throughout)'}, mark ${shedding.eventLoopDelayMs} ms`;
  if (shedding.heapUsedBytes > 0 && usage.heapUsed > shedding.heapUsedBytes) return `heap ${mb(usage.heapUsed)}, mark ${mb(shedding.heapUsedBytes)}`;
  if (shedding.rssBytes > 0 && usage.rssBytes > shedding.rssBytes) return `resident memory ${mb(usage.rssBytes)}, mark ${mb(shedding.rssBytes)}`;
  return undefined;
}

/**
 * A JSON answer is never a page: it loads nothing and runs nothing, so its policy says just that,
 * in 50 bytes rather than the apps' 300; headers that only a page reads (its agent cluster, its
 * opener, DNS prefetching) or that only old browsers' page features read (IE's download prompt and
 * XSS filter, Flash's cross-domain policies) are left off. Every code view is one such answer, so
 * each byte counts millions of times a day. Framing, sniffing, referrer and cross-origin reads
 * stay refused as for the apps.
 */
export const API_HEADERS = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const;

/** This origin only; WebAssembly for the QR decoder; workers for the offline shell; images drawn here (data:, blob:). */
export const APP_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
