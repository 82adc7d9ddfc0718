import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validatorCompiler } from './validation.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from '../services/services.js';
import type { Registry } from 'prom-client';
import { lazyChildLoggerFactory } from './request-logger.js';
import { requestCompletedLine } from '../logging.js';
import { installMetrics, type MetricsExposition } from './metrics.js';
import { sharedScrape } from './shared-scrape.js';
import { handleError, problem, sendProblem } from './problem.js';
import { appealsRoutes } from './routes/oversight/appeals-routes.js';
import { correctionsRoutes } from './routes/oversight/corrections-routes.js';
import { sunsetRoutes } from './routes/oversight/sunset-routes.js';
import { authorityRoutes } from './routes/decisions/authority-records-routes.js';
import { checkpointRoutes } from './routes/checkpoints/checkpoint-routes.js';
import { healthCodeRoutes } from './routes/decisions/health-code-routes.js';
import { tracingRoutes } from './routes/tracing/tracing-routes.js';
import { caseFindingRoutes } from './routes/tracing/case-finder-routes.js';
import { declarationRoutes } from './routes/residents/declaration-routes.js';
import { rulesRoutes } from './routes/decisions/rules-routes.js';
import { reclaimRoutes } from './routes/residents/identity-reclaims-routes.js';
import { regionRoutes } from './routes/region-routes.js';
import { residentRoutes } from './routes/residents/resident-routes.js';
import { paperCardRoutes } from './routes/residents/paper-card-routes.js';
import { signInRoutes } from './routes/residents/sign-in-routes.js';
import { rememberedDeviceRoutes } from './routes/residents/remembered-device-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { federationRoutes } from './routes/federation/federation-routes.js';
import { travelCardRoutes } from './routes/federation/travel-card-routes.js';
import { movingRoutes } from './routes/federation/moving-routes.js';
import { hostAppRoutes } from './routes/federation/host-app-routes.js';
import { ProblemSchema, SignInProblemSchema } from './schemas.js';
import { pressureOf, registerProtection, type ProtectionOptions } from './protection.js';
import { decorateRouteAccess, guardRoutes } from './route-access.js';
import { withTraditional } from '../domain/traditional-text.js';
import { Drain } from './drain.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Stopping without dropping a request received (drain.ts): what `serve` does on SIGTERM. */
    drain: Drain;
  }
}

export interface AppOptions {
  services: Services;
  bodyLimitBytes: number;
  /** Where the built browser apps are (`npm run build:web`); without them `/` leads to the API docs. */
  webRoot?: string;
  /** Security headers and request limits; default limits counted in memory. */
  protection?: ProtectionOptions;
  /** Proxies in front to believe X-Forwarded-For from (0: none). */
  trustProxyHops?: number;
  /** One of `serve --workers N`: its index, and what /metrics answers with (the whole service's figures). */
  cluster?: { worker: number; exposition: (local: Registry) => MetricsExposition };
}

/** dist/web, from both src/http (tsx) and dist/http (compiled). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

export const API_VERSION = '0.1.0';

/** The HTTP API: Fastify with validated schemas, problem+json errors, OpenAPI at /docs and Prometheus metrics. */
export async function buildApp({ services, bodyLimitBytes, webRoot = DEFAULT_WEB_ROOT, protection, trustProxyHops = 0, cluster }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is Fastify's logger; only the declared types differ.
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    genReqId: () => randomUUID(),
    // One line a request, when it completes (below), rather than Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Each request's own logger is made only if it logs something besides that line.
    childLoggerFactory: lazyChildLoggerFactory,
    routerOptions: { maxParamLength: 200 },
    // Fastify closes only once the drain has closed every connection; a request it still met while
    // closing would be answered by its route (with its access-log line), not a bare 503.
    return503OnClosing: false,
    // Errors the router meets before any route (a path segment too long, a broken escape) are
    // problems like every other refusal.
    frameworkErrors: (error, request, reply) => {
      // Answered before any hook runs: the headers every other answer gets from its first hook.
      request.server.setSecurityHeaders(request, reply);
      const instance = (request.url.split('?')[0] ?? '/').slice(0, 200);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, problem('not-found', 'nothing here has an identifier that long', instance));
      return sendProblem(reply, problem('malformed-request', 'the address is not a valid URL', instance));
    },
    // Believe X-Forwarded-For only as far back as the proxies the operator says are in front.
    ...(trustProxyHops > 0 ? { trustProxy: (_address: string, hop: number) => hop < trustProxyHops } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const drain = new Drain(app.server);
  app.decorate('drain', drain);

  // The API speaks JSON only; a text/plain body is refused with 415 rather than read as a string.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ProblemSchema);
  app.addSchema(SignInProblemSchema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`, request.url.split('?')[0] ?? '/')));
  app.setValidatorCompiler(validatorCompiler);
  const { registry, requestDone } = installMetrics(app, services, { worker: cluster?.worker, limitsShared: protection?.redis !== undefined });
  const metrics = sharedScrape(cluster ? cluster.exposition(registry) : registry);
  await registerProtection(app, protection);
  // Every two-language text answered in Traditional Chinese too, whichever route sends it.
  // A hook that calls back rather than returns a promise: the conversion never waits, and every
  // JSON answer would otherwise cost a promise and a turn of the microtask queue.
  app.addHook('preSerialization', (_request, _reply, payload, done) => {
    let converted: unknown;
    try {
      converted = withTraditional(payload);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, converted);
  });
  // Written by the app's logger with the request's id, the field its own logger binds: the same
  // line, without making a logger for every request (request-logger.ts), nor pino's work for a line
  // of any shape (logging.ts). One hook for the line and the metrics: `routeOptions` is an object
  // built anew on every read, and `elapsedTime` a clock read.
  const completed = requestCompletedLine(services.logger);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const elapsed = reply.elapsedTime;
    requestDone(request.method, route, reply.statusCode, elapsed);
    completed(request.id, request.method, route, reply.statusCode, Math.round(elapsed * 10) / 10);
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'healthcode API',
        version: API_VERSION,
        description: 'Health codes with public rules, explained colours and purpose-bound access. Errors are RFC 9457 problem details.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'residents', description: 'Registration, own data, export and deletion' },
        { name: 'households', description: 'Dependents without phones' },
        { name: 'sign-in', description: 'Phone and one-time sign-in code; remembered devices' },
        { name: 'declarations', description: 'Travel, contacts, symptoms' },
        { name: 'rules', description: 'Public, versioned rule sets' },
        { name: 'health codes', description: 'Colours, reasons, signed QR codes, check-ins, trust list' },
        { name: 'authority', description: 'Risk areas and bulk imports' },
        { name: 'checkpoints', description: 'Venues, checkpoint devices, entry policies, scans, place-code visits' },
        { name: 'tracing', description: 'Grants, contact tracing, audit log' },
        { name: 'host apps', description: 'OAuth 2.0 for host apps: consent, connected apps, and the host API' },
        { name: 'federation', description: 'Operators, the national trust list, moving between regions, the travel card' },
        { name: 'reference', description: 'Public reference data' },
        { name: 'operations', description: 'Health, readiness, metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const hasWebApps = existsSync(join(webRoot, 'index.html'));
  if (hasWebApps) {
    // Everything the pages load comes from here: no CDN. Hashed assets may be cached for good.
    // The build wrote each text file brotli- and gzip-compressed beside it (scripts/precompress-web.ts):
    // sent as they are to browsers that accept them, with Vary: Accept-Encoding, and never
    // compressed per request (an app open in a city's rush hour costs a file read, not a compression).
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      setHeaders: (res, path) => res.header('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }

  // The API's own routes, in one context whose hooks require each to declare who may call it and check that.
  const routeAccess = decorateRouteAccess(app);
  await app.register(async (api) => {
    guardRoutes(api, services, routeAccess);
    await registerRoutes(api, { services, bodyLimitBytes, hasWebApps, pressure: () => pressureOf(app, protection?.shedding), draining: () => drain.draining, metrics });
  });
  return app;
}

interface RoutesOptions {
  services: Services;
  bodyLimitBytes: number;
  hasWebApps: boolean;
  pressure: () => string | undefined;
  draining: () => boolean;
  metrics: MetricsExposition;
}

async function registerRoutes(app: FastifyInstance, { services, bodyLimitBytes, hasWebApps, pressure, draining, metrics }: RoutesOptions): Promise<void> {
  if (!hasWebApps) app.get('/', { config: { access: { public: true } }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
  await app.register(systemRoutes, { system: services.system, metrics, pressure, draining });
  await app.register(regionRoutes);
  await app.register(residentRoutes, { services });
  await app.register(signInRoutes, { services });
  await app.register(rememberedDeviceRoutes, { services });
  await app.register(declarationRoutes, { services });
  await app.register(paperCardRoutes, { services });
  await app.register(rulesRoutes, { services });
  await app.register(healthCodeRoutes, { services });
  await app.register(checkpointRoutes, { services });
  await app.register(tracingRoutes, { services });
  await app.register(caseFindingRoutes, { services });
  await app.register(appealsRoutes, { services });
  await app.register(correctionsRoutes, { services });
  await app.register(sunsetRoutes, { services });
  await app.register(reclaimRoutes, { services });
  await app.register(federationRoutes, { services });
  await app.register(travelCardRoutes, { services });
  await app.register(movingRoutes, { services });
  await app.register(hostAppRoutes, { services });
  await app.register(authorityRoutes, { services, importBodyLimit: Math.max(bodyLimitBytes, 64 * 1024 * 1024) });
}
