import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, type FieldError } from '../domain/field-errors.js';
import { isDatabaseUnavailable } from '../store/database.js';
import { InsufficientScopeError, InvalidTokenError } from '../services/federation/host-apps-service.js';
import { HostAppsUnavailableError, OtherBrowserError } from '../services/federation/oauth-server.js';
import { CodeTriesUsedUpError, ConflictError, FederationRefusedError, SignInCodeError, ForbiddenError, IdentityTakenError, MalformedInputError, NotFoundError, RegionNotServedError, TooManyRequestsError, UnauthenticatedError } from '../services/service-errors.js';

/**
 * Errors as RFC 9457 problem details. `type` is stable and resolves on this server to a description;
 * `field` names the first offending input, `errors` lists them all.
 */
export const PROBLEM_TYPES = {
  'malformed-request': { status: 400, title: 'The request is malformed', description: 'The body is not valid JSON, or does not have the shape the endpoint documents (a missing, extra or mistyped field).' },
  'invalid-field': { status: 422, title: 'A field has an invalid value', description: 'The request is well-formed but a value breaks a rule: an ID number with a wrong check digit, a date in the future, an unknown region code.' },
  unauthenticated: { status: 401, title: 'Sign in first', description: 'The endpoint needs a valid session token (Authorization: Bearer …), or a sign-in code was wrong or expired.' },
  forbidden: { status: 403, title: 'Not allowed for this role', description: 'The credential is valid but its role may not do this.' },
  'not-found': { status: 404, title: 'Not found', description: 'Nothing exists at this address that you may see.' },
  conflict: { status: 409, title: 'Already registered', description: 'The request collides with an existing record; which one is not disclosed.' },
  'identity-taken': {
    status: 409,
    title: 'The identity document is held by another account',
    description: 'Nothing about that account is disclosed. A reclaim has been opened for the caller (its id is in the detail): the health authority checks its identity records or the document in person, and the account holding it loses it.',
  },
  'region-not-served': { status: 422, title: 'This operator does not serve that region', description: 'Each operator serves its own regions. Register with the operator of the region, then use that registration here (federation: moving between regions).' },
  'federation-refused': {
    status: 403,
    title: 'Refused by the federation checks',
    description: 'A grant, a signed document or another operator was refused; `reason` names why: grant-expired, grant-used, grant-not-for-you, grant-unknown, bad-signature, unknown-operator, not-federated, bundle-mismatch, bundle-stale, region-not-home or phone-mismatch.',
  },
  'operator-unavailable': {
    status: 502,
    title: 'Another operator did not answer properly',
    description: 'The home operator or the hub was down, too slow or answered something that is not a valid signed document (`reason`: operator-unreachable or operator-answered-garbage). Nothing was stored; try again later.',
  },
  'insufficient-scope': { status: 403, title: 'The host app was not allowed this', description: 'The access token does not carry the scope this endpoint needs: the resident did not allow it, or the app was not registered for it.' },
  'payload-too-large': { status: 413, title: 'The request body is too large', description: 'Request bodies are limited in size; split the request.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type', description: 'Send request bodies as application/json.' },
  'too-many-requests': { status: 429, title: 'Too many requests', description: 'Wait for the number of seconds in Retry-After.' },
  'not-ready': { status: 503, title: 'Not ready', description: 'A dependency (the database) does not answer, or the service is shedding load.' },
  overloaded: {
    status: 503,
    title: 'Overloaded: try again shortly',
    description: 'The service is busier than it can serve quickly, and refuses some requests at once so that the ones it accepts stay fast. Nothing was done; retry after the seconds in Retry-After.',
  },
  unavailable: { status: 503, title: 'Temporarily unavailable', description: 'The database is down, unreachable or too slow to answer in time. Nothing was changed by the request unless it said so; retry after the seconds in Retry-After.' },
  internal: { status: 500, title: 'Internal error', description: 'Something failed on our side; the request id in the logs identifies it.' },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** What a client is told to wait when the database is out: long enough for a pool to reconnect. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  field?: string;
  errors?: FieldError[];
  /** Why a federation check refused, stably named. */
  reason?: string;
  /** A one-time code's tries left (SignInProblem). */
  attemptsLeft?: number;
  /** Seconds before a new one-time code may be asked for (SignInProblem). */
  newCodeInSeconds?: number;
}

export function problem(type: ProblemType, detail: string, instance: string, errors?: FieldError[]): Problem {
  const { status, title } = PROBLEM_TYPES[type];
  const body: Problem = { type: `/problems/${type}`, title, status, detail, instance };
  if (errors && errors.length > 0) {
    body.field = errors[0]!.field;
    body.errors = errors;
  }
  return body;
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

/** `/stays/0/arrival` -> `stays[0].arrival`. */
function fieldFromPointer(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function schemaErrors(issues: AjvIssue[], context: string | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    let field = fieldFromPointer(issue.instancePath);
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') {
      field = [field, String(issue.params.missingProperty)].filter(Boolean).join('.');
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties') {
      field = [field, String(issue.params.additionalProperty)].filter(Boolean).join('.');
      message = 'is not a known field';
    } else if (issue.keyword === 'enum') {
      message = `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
    }
    if (field === '') field = context === 'body' ? '(body)' : (context ?? '(request)');
    const key = `${field}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, message });
    }
  }
  return out;
}

/** The service sheds this request: a threshold of load (event-loop delay, memory) is passed. */
export class OverloadedError extends Error {
  constructor(
    readonly measure: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`the service is overloaded (${measure}); try again in ${retryAfterSeconds} s`);
    this.name = 'OverloadedError';
  }
}

/** Maps any error thrown while handling a request to a problem response; never leaks internals. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const instance = request.url.split('?')[0] ?? request.url;
  if (error.validation) {
    const errors = schemaErrors(error.validation as AjvIssue[], error.validationContext);
    return sendProblem(reply, problem('malformed-request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), instance, errors));
  }
  if (error instanceof InvalidInputError) return sendProblem(reply, problem('invalid-field', error.message, instance, error.errors));
  if (error instanceof MalformedInputError) return sendProblem(reply, problem('malformed-request', error.message, instance, [{ field: error.field, message: error.message.slice(error.field.length + 2) }]));
  if (error instanceof RegionNotServedError) return sendProblem(reply, problem('region-not-served', error.message, instance, [{ field: error.field, message: 'is not served by this operator' }]));
  if (error instanceof FederationRefusedError) {
    const unavailable = error.reason === 'operator-unreachable' || error.reason === 'operator-answered-garbage';
    return sendProblem(reply, { ...problem(unavailable ? 'operator-unavailable' : 'federation-refused', error.message, instance), reason: error.reason });
  }
  if (error instanceof InsufficientScopeError) {
    reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${error.scope}"`);
    return sendProblem(reply, { ...problem('insufficient-scope', error.message, instance), reason: 'insufficient-scope' });
  }
  if (error instanceof OtherBrowserError) return sendProblem(reply, { ...problem('forbidden', error.message, instance), reason: 'other-browser' });
  if (error instanceof InvalidTokenError) {
    // RFC 6750 §3.1: the host app learns its token is no good (and asks the resident again).
    reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
    return sendProblem(reply, problem('unauthenticated', error.message, instance));
  }
  if (error instanceof HostAppsUnavailableError) return sendProblem(reply, problem('not-ready', error.message, instance));
  if (error instanceof NotFoundError || error instanceof ForbiddenError) {
    const { field, reason } = error.options;
    const body = problem(error instanceof NotFoundError ? 'not-found' : 'forbidden', error.message, instance, field === undefined ? undefined : [{ field, message: error.message }]);
    return sendProblem(reply, reason === undefined ? body : { ...body, reason });
  }
  if (error instanceof IdentityTakenError) return sendProblem(reply, problem('identity-taken', error.message, instance, [{ field: 'idNumber', message: 'is registered to another account' }]));
  if (error instanceof ConflictError) {
    const field = (error as ConflictError).field;
    const body = problem('conflict', error.message, instance, field === undefined ? undefined : [{ field, message: 'collides with an existing record' }]);
    const reason = (error as ConflictError).reason;
    return sendProblem(reply, reason === undefined ? body : { ...body, reason });
  }
  if (error instanceof UnauthenticatedError) {
    reply.header('www-authenticate', 'Bearer realm="healthcode"');
    const body = problem('unauthenticated', error.message, instance);
    return sendProblem(reply, error instanceof SignInCodeError ? { ...body, ...error.standing } : body);
  }
  if (error instanceof OverloadedError) {
    reply.header('retry-after', String(error.retryAfterSeconds));
    return sendProblem(reply, problem('overloaded', error.message, instance));
  }
  if (error instanceof TooManyRequestsError) {
    reply.header('retry-after', String(Math.max(1, error.retryAfterSeconds)));
    const body = problem('too-many-requests', error.message, instance);
    if (error instanceof CodeTriesUsedUpError) return sendProblem(reply, { ...body, ...error.standing });
    return sendProblem(reply, error.reason === undefined ? body : { ...body, reason: error.reason });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, problem('payload-too-large', 'the request body is larger than this server accepts', instance));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, problem('unsupported-media-type', `content type '${request.headers['content-type'] ?? ''}' is not accepted; send application/json`, instance));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, problem('malformed-request', 'the body is empty but the content type says JSON', instance, [{ field: '(body)', message: 'is empty' }]));
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendProblem(reply, problem('malformed-request', 'the body is not valid JSON', instance, [{ field: '(body)', message: 'is not valid JSON' }]));
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
    reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return sendProblem(reply, problem('unavailable', 'the database does not answer just now; try again shortly', instance));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendProblem(reply, problem(status === 404 ? 'not-found' : 'malformed-request', error.message, instance));
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem('internal', 'an internal error occurred', instance));
}
