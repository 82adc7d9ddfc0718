import type { FastifyRequest } from 'fastify';
import type { Services } from '../services/services.js';
import { NotFoundError, UnauthenticatedError } from '../services/service-errors.js';
import type { StaffMember, StaffRole } from '../services/staff-service.js';

export interface Caller {
  residentId: string;
  sessionId: string;
}

/** The signed-in resident behind the request's bearer token. */
export async function authenticate(services: Services, request: FastifyRequest): Promise<Caller> {
  return services.signIn.authenticate(bearerToken(request));
}

/** A checkpoint device, from its bearer credential. */
export async function authorizeDevice(services: Services, request: FastifyRequest) {
  return services.venues.authenticateDevice(bearerToken(request));
}

export function bearerToken(request: FastifyRequest): string {
  const credential = bearerCredential(request.headers.authorization);
  if (credential === undefined) throw new UnauthenticatedError();
  return credential;
}

/**
 * The credential an Authorization header carries, however it is spaced; undefined if it carries none.
 * Limits count a credential by this, so every spelling the API accepts counts as the same caller.
 */
export function bearerCredential(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/.exec(header)?.[1];
}

/** A staff member with one of `roles`, from a staff bearer credential. */
export async function authorizeStaff(services: Services, request: FastifyRequest, roles: readonly StaffRole[]): Promise<StaffMember> {
  return services.staff.authenticate(bearerToken(request), roles);
}

/**
 * The caller, after checking they may act for `residentId` (themself or a household dependent).
 * Anyone else gets 404, not 403: whether an id exists is nobody else's business.
 */
export async function authorizeFor(services: Services, request: FastifyRequest, residentId: string): Promise<Caller> {
  const caller = await authenticate(services, request);
  if (!(await services.residents.mayActFor(caller.residentId, residentId))) throw new NotFoundError('resident');
  return caller;
}
