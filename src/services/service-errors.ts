/** Failures a use case reports to its caller; the HTTP layer maps each to a status and a problem type. */

/** An instant in a message for people ("expired at …"): ISO 8601 in UTC, unambiguous in any time zone. */
export function messageTime(ms: number): string {
  return new Date(ms).toISOString();
}

export class NotFoundError extends Error {
  /**
   * `field`: the input whose value found nothing (a wrong id), named so a screen can say which;
   * `reason`: why, stably named, where a screen says more than "not found"; `message` overrides the
   * default "<what> not found".
   */
  constructor(
    readonly what: string,
    readonly options: { field?: string; reason?: string; message?: string } = {},
  ) {
    super(options.message ?? `${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** The request collides with what is stored; `detail` must not reveal anything about the other record. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    /** Which collision, stably named where the apps say it in their own words (`not-in-quarantine`). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * The identity document is held by another account. Says nothing of that account; where a reclaim
 * was opened for the caller, names it.
 */
export class IdentityTakenError extends ConflictError {
  constructor(readonly reclaimId?: string) {
    super(
      reclaimId === undefined
        ? 'this identity document is registered to another account'
        : `this identity document is registered to another account. If it is yours, reclaim ${reclaimId} is open: the health authority checks its identity records, or checks the document in person at a service point, and the account holding it loses it; an SMS tells you when it is done`,
      'idNumber',
    );
    this.name = 'IdentityTakenError';
  }
}

export class UnauthenticatedError extends Error {
  constructor(message = 'sign in first: send the session token as Authorization: Bearer <token>') {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

export class TooManyRequestsError extends Error {
  /** `reason`: why, stably named, where a screen says it in its own words (code-just-sent, too-many-registrations). */
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}

/** Why a one-time code was refused, stably named for the apps (SignInProblem's `reason`). */
export type SignInCodeRefusal = 'wrong-code' | 'no-attempts-left' | 'no-valid-code' | 'code-used' | 'no-account';

/** What became of a refused code: the tries it has left and when a new one may be asked for, where known. */
export interface SignInCodeStanding {
  reason: SignInCodeRefusal;
  attemptsLeft?: number;
  newCodeInSeconds?: number;
}

/** A one-time code that does not sign in (401), saying why and what is left of it. */
export class SignInCodeError extends UnauthenticatedError {
  constructor(
    message: string,
    readonly standing: SignInCodeStanding,
  ) {
    super(message);
    this.name = 'SignInCodeError';
  }
}

/** Every try of the phone's live codes is used up (429): a new code may be asked for in `retryAfterSeconds`. */
export class CodeTriesUsedUpError extends TooManyRequestsError {
  readonly standing: SignInCodeStanding;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, retryAfterSeconds);
    this.name = 'CodeTriesUsedUpError';
    this.standing = { reason: 'no-attempts-left', attemptsLeft: 0, newCodeInSeconds: retryAfterSeconds };
  }
}

/** Signed in, but this role may not do this. */
export class ForbiddenError extends Error {
  /** `field`: the input refused (a grant id); `reason`: why, stably named, for a screen to say in its own words. */
  constructor(
    message: string,
    readonly options: { field?: string; reason?: string } = {},
  ) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** A place outside every region this operator serves: the resident's home operator serves it. */
export class RegionNotServedError extends Error {
  constructor(
    readonly region: string,
    operator: { id: string; regions: readonly string[] },
    readonly field = 'region',
  ) {
    super(`region ${region} is not served by operator ${operator.id} (it serves ${operator.regions.slice(0, 5).join(', ')}${operator.regions.length > 5 ? ', …' : ''}); register with the operator of that region, then use that registration here`);
    this.name = 'RegionNotServedError';
  }
}

/** Another operator, the hub, or a document from one of them was refused; `reason` names why, stably. */
/** Input whose shape is wrong where no schema could say so (inside a signed document): HTTP 400 naming the field. */
export class MalformedInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'MalformedInputError';
  }
}

export class FederationRefusedError extends Error {
  constructor(
    readonly reason: FederationRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'FederationRefusedError';
  }
}

export type FederationRefusal =
  | 'grant-expired'
  | 'grant-used'
  | 'grant-not-for-you'
  | 'grant-unknown'
  | 'bad-signature'
  | 'unknown-operator'
  | 'not-federated'
  | 'operator-unreachable'
  | 'operator-answered-garbage'
  | 'bundle-mismatch'
  | 'bundle-stale'
  | 'region-not-home'
  | 'phone-mismatch';
