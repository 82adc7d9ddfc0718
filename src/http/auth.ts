import type { FastifyRequest } from 'fastify';
import type { Services } from '../services/services.js';
import { NotFoundError, UnauthenticatedError } from '../services/service-errors.js';

export interface Caller {
  residentId: string;
  sessionId: string;
}

/** The signed-in resident behind the request's bearer token. */
export async function authenticate(services: Services, request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/.exec(header);
  if (!match) throw new UnauthenticatedError();
  return services.signIn.authenticate(match[1]!);
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
