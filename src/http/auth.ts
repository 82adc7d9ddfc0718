import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../services/service-errors.js';

/** A signed-in resident's session. Who may call which route is declared with the route: see route-access.ts. */
export interface Caller {
  residentId: string;
  sessionId: string;
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
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer x` is the same credential as `Bearer x`.
  return header === undefined ? undefined : /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header)?.[1];
}
