import type { FastifyContextConfig, FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { HostScope } from '../services/federation/host-apps-service.js';
import { NotFoundError } from '../services/service-errors.js';
import type { Services } from '../services/services.js';
import type { StaffMember, StaffRole } from '../services/staff-service.js';
import type { CheckpointDevice } from '../services/checkpoints/venues-service.js';
import type { SessionReadAlong } from '../services/residents/sign-in-service.js';
import { bearerToken, type Caller } from './auth.js';

/**
 * Who may call a route, declared with the route (`config: { access }`) and nowhere else: one hook
 * checks it and the route's OpenAPI `security` is written from it, so the two cannot disagree.
 */
export type RouteAccess =
  /** Anyone, signed in or not (the route may still check a credential of its own, as the OAuth provider does). */
  | { public: true }
  /** A signed-in resident: any of them. */
  | { resident: 'signed-in' }
  /**
   * A signed-in resident acting for the `:id` in the path: themself or a household dependent. Anyone
   * else gets 404, not 403: whether an id exists is nobody else's business.
   */
  | { resident: 'self' }
  /** A staff credential with one of these roles (403 for another role). */
  | { staff: readonly StaffRole[] }
  /** A checkpoint device's credential. */
  | { device: true }
  /** A host app's access token for a resident, carrying this scope. */
  | { hostApp: HostScope };

/** The caller the route's declaration let in. */
export type Authenticated =
  | { as: 'resident'; caller: Caller }
  | { as: 'staff'; staff: StaffMember }
  | { as: 'device'; device: CheckpointDevice }
  | { as: 'hostApp'; residentId: string; clientId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * On a route with `resident` access: what the handler reads next, read with the caller's session
     * when that is not in memory (one round trip, not two); the handler finds it in `readAhead`.
     */
    readAlong?: (services: Services, request: FastifyRequest) => SessionReadAlong<unknown>;
  }
  interface FastifyRequest {
    /** Set before the handler runs, from the route's declared access; null on public routes. */
    authenticated: Authenticated | null;
    /** What the route's `readAlong` read with the session; undefined when it did not run. */
    readAhead: unknown;
  }
  interface FastifyInstance {
    /** Every API route's declared access, by `METHOD url`. */
    routeAccess: ReadonlyMap<string, RouteAccess>;
  }
}

const BEARER = [{ bearerAuth: [] }];

/** The OpenAPI `security` a declaration implies: none for a public route, the bearer scheme otherwise. */
export function securityOf(access: RouteAccess): { bearerAuth: never[] }[] | undefined {
  return 'public' in access ? undefined : BEARER;
}

/** Checks a request against its route's declaration, as the handlers each did before: the same services, in the same order. */
async function authenticateAs(access: RouteAccess, readAlong: FastifyContextConfig['readAlong'], services: Services, request: FastifyRequest): Promise<Authenticated | null> {
  if ('public' in access) return null;
  if ('staff' in access) return { as: 'staff', staff: await services.staff.authenticate(bearerToken(request), access.staff) };
  if ('device' in access) return { as: 'device', device: await services.venues.authenticateCheckpointDevice(bearerToken(request)) };
  if ('hostApp' in access) return { as: 'hostApp', ...(await services.hostApps.residentFor(bearerToken(request), access.hostApp)) };
  const { along, ...caller } = await services.signIn.authenticate(bearerToken(request), readAlong?.(services, request));
  if (access.resident === 'self' && !(await services.residents.mayActFor(caller.residentId, pathResident(request)))) throw new NotFoundError('resident');
  request.readAhead = along;
  return { as: 'resident', caller };
}

function pathResident(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown } | undefined)?.id;
  // Registration refuses a `self` route without :id, so this is a route declared wrong, not a caller's mistake.
  if (typeof id !== 'string') throw new Error(`${request.routeOptions.url} declares resident: 'self' but has no :id`);
  return id;
}

/**
 * In the context `api` (the API's routes): every route must declare its access or the app does not
 * start; its OpenAPI `security` is set from the declaration; and a preHandler hook of the route
 * checks it. A preHandler, not onRequest: the handlers checked after Fastify validated the request,
 * so a bad request is refused 400 before a missing credential's 401, as it always was. The route's
 * own hook, first of its preHandlers (no context hook here has any), rather than one hook of the
 * context: that one had to find the route's declaration on each request (`request.routeOptions`,
 * an object built anew on every read).
 */
export function guardRoutes(api: FastifyInstance, services: Services, registry: Map<string, RouteAccess>): void {
  api.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    const name = `${String(route.method)} ${route.url}`;
    if (access === undefined) throw new Error(`route ${name} declares no access: add config.access ({ public: true } if anyone may call it)`);
    if (route.schema?.security !== undefined) throw new Error(`route ${name} sets schema.security by hand: it is written from config.access`);
    if ('resident' in access && access.resident === 'self' && !route.url.includes('/:id')) throw new Error(`route ${name} declares resident: 'self' but has no :id`);
    const security = securityOf(access);
    if (security !== undefined) route.schema = { ...route.schema, security };
    registry.set(name, access);
    const readAlong = route.config?.readAlong;
    const check = async (request: FastifyRequest) => {
      request.authenticated = await authenticateAs(access, readAlong, services, request);
    };
    // First, before any hook the route was given (a limit counted after validation, protection.ts).
    route.preHandler = [check, ...[route.preHandler ?? []].flat()];
  });
}

/** Decorates the app with the request's `authenticated` caller and the registry of routes' access. */
export function decorateRouteAccess(app: FastifyInstance): Map<string, RouteAccess> {
  const registry = new Map<string, RouteAccess>();
  app.decorate('routeAccess', registry);
  app.decorateRequest('authenticated', null);
  app.decorateRequest('readAhead', undefined);
  return registry;
}

function misdeclared(request: FastifyRequest, wanted: string): Error {
  return new Error(`${request.method} ${request.routeOptions.url} reads a ${wanted} caller but declares ${JSON.stringify(request.routeOptions.config.access)}`);
}

/** The signed-in resident of a route declaring `resident` access. */
export function residentCaller(request: FastifyRequest): Caller {
  const a = request.authenticated;
  if (a?.as !== 'resident') throw misdeclared(request, 'resident');
  return a.caller;
}

/** The staff member of a route declaring `staff` access. */
export function staffCaller(request: FastifyRequest): StaffMember {
  const a = request.authenticated;
  if (a?.as !== 'staff') throw misdeclared(request, 'staff');
  return a.staff;
}

/** The checkpoint device of a route declaring `device` access. */
export function deviceCaller(request: FastifyRequest): CheckpointDevice {
  const a = request.authenticated;
  if (a?.as !== 'device') throw misdeclared(request, 'device');
  return a.device;
}

/** The resident a host app acts for, on a route declaring `hostApp` access. */
export function hostAppResident(request: FastifyRequest): string {
  const a = request.authenticated;
  if (a?.as !== 'hostApp') throw misdeclared(request, 'host app');
  return a.residentId;
}
