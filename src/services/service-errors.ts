/** Failures a use case reports to its caller; the HTTP layer maps each to a status and a problem type. */

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** The request collides with what is stored; `detail` must not reveal anything about the other record. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class UnauthenticatedError extends Error {
  constructor(message = 'sign in first: send the session token as Authorization: Bearer <token>') {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

export class TooManyRequestsError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}

/** Signed in, but this role may not do this. */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}
