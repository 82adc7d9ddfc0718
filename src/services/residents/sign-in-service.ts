import { randomBytes, randomInt } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { InvalidInputError } from '../../domain/field-errors.js';
import { HOUR_MS, MINUTE_MS } from '../../domain/clock.js';
import { checkMobileNumber } from '../../domain/phone.js';
import { nextSignInCodeAt, SIGN_IN_LIMITS } from '../../domain/residents/sign-in-limits.js';
import { sameDigest } from '../../privacy/field-cipher.js';
import { cacheBound, DEFAULT_CACHE_ENTRIES } from '../../config.js';
import { limitsOf, type ServiceContext } from '../context.js';
import { InvalidatedCache } from '../decisions/invalidated-cache.js';
import { spend } from '../rate-limiter.js';
import { smsScriptOf, type SmsScript } from '../../domain/sms-script.js';
import { SMS_TEXTS } from '../sms-texts.js';
import type { Database } from '../../store/schema.js';
import { CodeTriesUsedUpError, SignInCodeError, TooManyRequestsError, UnauthenticatedError } from '../service-errors.js';

export { SIGN_IN_LIMITS };

/** The blind-index kind of the phone a one-time code was sent to. */
export const SIGN_IN_CODE_INDEX = 'sign-in.phone';

const ISSUER = 'healthcode';
const AUDIENCE = 'healthcode-resident';

export interface SignInCodeRequestResult {
  /** Epoch ms. */
  expiresAt: number;
  resendAfterSeconds: number;
  /** Shown with the code, it draws on the attempts kept for whoever asked for it. */
  ticket: string;
}

/** A one-time code as sent: made once, not at each check. */
const CODE = new RegExp(`^\\d{${SIGN_IN_LIMITS.codeDigits}}$`);
/** A code not used and not expired at `now`: one that may still be tried. */
const isLive = (c: { consumed_at: number | null; expires_at: number }, now: number) => c.consumed_at === null && c.expires_at > now;
/** A request ticket: 128 random bits, base64url. */
const TICKET = /^[A-Za-z0-9_-]{22}$/;
/** Checked tokens kept at the least while caches are on: a check depends on the token and key alone. */
const MIN_CHECKED_TOKENS = 10_000;

/** A code shown to match: which, when, the account its phone has (if any), and the script it was asked in. */
export interface SignInProof {
  codeId: string;
  at: number;
  holderId: string | undefined;
  script: SmsScript;
}

export interface Session {
  token: string;
  residentId: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface OpenSessionOptions {
  /** The remembered device the session is opened through: signing that device out ends it. */
  rememberedDeviceId?: string | null;
  /** Keep the new session as active in memory from the start, rather than read it on first use. */
  keepInMemory?: boolean;
}

/** A live code found to match, not yet used up: whose attempt (`by`) `useUpIn` takes. */
export interface MatchedCode {
  codeId: string;
  /** Epoch ms: when it was found. */
  at: number;
  /** None: a phone an account uses is proven (`prove`), never matched. */
  holderId: undefined;
  by: 'owner' | 'stranger';
  /** The script the code was asked in: the resident's texts take it once it is used. */
  script: SmsScript;
}

/** A matched code had no attempt left, or was used or expired, by the time it was to be used up. */
export class CodeRacedError extends Error {
  constructor() {
    super('the code changed since it was read');
    this.name = 'CodeRacedError';
  }
}

/** A session whose row is written (maybe in a transaction not yet committed): `committed` signs its token. */
export interface OpenedSession {
  committed(): Session;
}

/**
 * Reads an active session (not revoked, not expired at `now`: the predicate of SignInStore.activeSession)
 * together with what the caller reads next, in one statement; undefined when it could not tell, and
 * the session is then read alone.
 */
export type SessionReadAlong<T> = (sessionId: string, now: number) => Promise<{ session: { residentId: string; expiresAt: number } | undefined; along: T } | undefined>;

type TokenClaims = { sub?: unknown; jti?: unknown; exp?: unknown };
type ActiveSession<T> = { residentId: string | undefined; along?: T };

export class SignInService {
  /**
   * Session tokens are HS256 JWTs, made and checked synchronously with fast-jwt; checking one on
   * every request through WebCrypto (jose) cost more than the rest of a code view. A checked token's
   * result is cached (by the token, which cannot be forged); expiry is checked against the
   * injected clock every time.
   */
  private readonly signToken: (payload: Record<string, unknown>) => string;
  private readonly checkToken: (token: string) => TokenClaims;
  /**
   * Tokens checked, by the token itself: fast-jwt's own cache keys them by a SHA-256 of the token,
   * which cost a warm code view more than the rest of the check (and it warns against any other key).
   */
  /** Undefined with the caches off (HEALTHCODE_CACHE_ENTRIES=0). */
  readonly #checked: LRUCache<string, TokenClaims> | undefined;
  /** Sessions found active, by id; a sign-out anywhere removes one (the change feed). */
  readonly #sessions: InvalidatedCache<{ residentId: string; expiresAt: number }>;

  constructor(private readonly ctx: ServiceContext) {
    // As many as the sessions kept (never fewer than 10,000): with fewer, residents refreshing in
    // turn push each other's tokens out and every refresh checks its token's HMAC again.
    const checkedBound = cacheBound(ctx.settings.cacheEntries, MIN_CHECKED_TOKENS);
    this.#checked = checkedBound > 0 ? new LRUCache({ max: checkedBound }) : undefined;
    // A sunset ends every session of its region; sessions are cached by id, not region, and a sunset is rare: forget them all.
    this.#sessions = new InvalidatedCache(ctx.database.changes, ctx.settings.cacheEntries ?? DEFAULT_CACHE_ENTRIES, (change) =>
      change.kind === 'session-ended' ? [change.sessionId] : change.kind === 'region-ended' ? 'all' : undefined,
    );
    const key = Buffer.from(ctx.sessionKey);
    this.signToken = createSigner({ key, algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE, noTimestamp: true });
    this.checkToken = createVerifier({ key, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE, requiredClaims: ['sub', 'jti', 'exp'], ignoreExpiration: true, ignoreNotBefore: true });
  }

  private verifyToken(token: string): TokenClaims {
    let claims = this.#checked?.get(token);
    if (claims === undefined) {
      claims = this.checkToken(token);
      this.#checked?.set(token, claims);
    }
    return claims;
  }

  private get signInStore() {
    return this.ctx.stores.signIn;
  }

  private get residents() {
    return this.ctx.stores.residents;
  }

  /**
   * Sends a one-time code to any mobile phone: a sign-in code where an account uses it, a
   * registration code where none does. Both paths do the same work (a look-up, a stored code, one
   * SMS) and give the same answer, so neither the answer nor its timing tells who is registered.
   * The answer holds a request ticket, kept only as a keyed digest with the code: a guess that shows
   * it draws on the code's own attempts, which strangers' guesses cannot use up. The text's Chinese
   * is in `script`: the app asks in the language it shows.
   */
  async requestSignInCode(phoneText: string, { script = 'zh-CN' }: { script?: SmsScript } = {}): Promise<SignInCodeRequestResult> {
    const phone = this.phone(phoneText);
    const now = this.ctx.clock.now().getTime();
    const { phoneIndex, holderId, holderRegion } = await this.signInCodeIndex(phone);
    const recent = await this.signInStore.signInCodesSince(phoneIndex, now - SIGN_IN_LIMITS.backoffWindowMs);
    const next = nextSignInCodeAt(recent.map((c) => c.created_at));
    if (now < next) {
      const wait = Math.ceil((next - now) / 1000);
      this.ctx.meter.smsRefused('per-phone');
      throw new TooManyRequestsError(`a code was sent to this phone a moment ago (it works until it expires); another may be sent in ${wait} s`, wait, 'code-just-sent');
    }
    // Counted here, where a code will really be sent: requests refused above, or refused as malformed,
    // use up nobody's share of what the SMS gateway may send.
    await spend(this.ctx.limiter, 'sms:all', limitsOf(this.ctx).signInCodesPerMinute, MINUTE_MS, 'the service is sending as many codes as it may just now').catch((error: unknown) => {
      if (error instanceof TooManyRequestsError) this.ctx.meter.smsRefused('total');
      throw error;
    });
    const code = String(randomInt(0, 10 ** SIGN_IN_LIMITS.codeDigits)).padStart(SIGN_IN_LIMITS.codeDigits, '0');
    const id = this.ctx.newId();
    const ticket = randomBytes(16).toString('base64url');
    const ttl = this.ctx.settings.signInCodeTtlSeconds;
    await this.signInStore.insertSignInCode({
      id,
      phone_index: phoneIndex,
      code_digest: this.digest(id, code),
      created_at: now,
      expires_at: now + ttl * 1000,
      attempts: 0,
      consumed_at: null,
      ticket_digest: this.ticketDigest(id, ticket),
      sms_script: script,
    });
    const minutes = Math.round(ttl / 60);
    await this.ctx.sms.send(phone, (holderId !== undefined ? SMS_TEXTS.signInCode : SMS_TEXTS.registrationCode)(code, minutes, script), 'sign-in-code', { region: holderRegion });
    // Development convenience: the code in the log saves reading the outbox. Never in production.
    if (this.ctx.settings.mode === 'development') this.ctx.logger.info({ signInCode: code, codeId: id }, 'one-time code sent (shown in development mode only)');
    else this.ctx.logger.info({ codeId: id }, 'one-time code sent');
    const resendAt = nextSignInCodeAt([now, ...recent.map((c) => c.created_at)]);
    return { expiresAt: now + ttl * 1000, resendAfterSeconds: Math.ceil((resendAt - now) / 1000), ticket };
  }

  /** Exchanges one of a phone's live sign-in codes for a signed session. */
  async verifySignInCode(phoneText: string, code: string, ticket?: string): Promise<Session> {
    const phone = this.phone(phoneText);
    const proof = await this.prove(phone, code, ticket);
    const residentId = proof.holderId;
    // The caller has just shown they hold the phone, so they may learn it has no account; the code
    // stays valid for the registration form.
    if (residentId === undefined) throw new SignInCodeError('no account uses this phone yet: register with it, using this code', { reason: 'no-account' });
    await this.consume(proof);
    await this.residents.markPhoneVerified(residentId, proof.at);
    // The script the code was asked in is the one the app shows: the resident's other texts take it.
    await this.residents.rememberSmsScript(residentId, proof.script, proof.at);
    // A proven phone stands behind this resident and the household members they added.
    await this.ctx.stores.decisions.invalidate(await this.ctx.stores.households.householdIds(residentId));
    return this.openSession(residentId, proof.at);
  }

  /**
   * Deletes codes that can no longer be used nor count against a phone's hourly limit: each keeps its
   * phone's blind index, which should not outlive its use. How many.
   */
  async purgeExpiredSignInCodes(): Promise<number> {
    return this.signInStore.deleteSignInCodesBefore(this.ctx.clock.now().getTime() - HOUR_MS);
  }

  /**
   * Uses up a proven code, so it cannot prove the phone a second time; in `trx` when given (a
   * registration: the code is used up with the resident it registers, or not at all).
   */
  async consume(proof: { codeId: string; at: number }, trx?: Transaction<Database>): Promise<void> {
    const store = trx === undefined ? this.signInStore : this.signInStore.withTransaction(trx);
    if (!(await store.consume(proof.codeId, proof.at))) throw new SignInCodeError('this code was already used: request a new one', { reason: 'code-used' });
  }

  /**
   * Checks a code without using it up; each check takes one attempt of every live code, atomically:
   * of its asker's attempts where `ticket` is the one it was sent with, else of the strangers' shared
   * ones. Strangers, whoever they are and wherever from, can so use up only their own share.
   */
  async prove(phone: string, code: string, ticket?: string): Promise<SignInProof> {
    this.checkCodeInput(code, ticket);
    const now = this.ctx.clock.now().getTime();
    const { phoneIndex, holderId } = await this.signInCodeIndex(phone);
    const recent = await this.signInStore.signInCodesSince(phoneIndex, now - SIGN_IN_LIMITS.backoffWindowMs);
    // Every code still alive, not only the newest: a code someone else asked for must not make the
    // one the holder has just received useless.
    const live = recent.filter((c) => isLive(c, now));
    // When the phone may be sent a new code: what a person whose code failed needs to know next.
    const newCodeInSeconds = Math.max(0, Math.ceil((nextSignInCodeAt(recent.map((c) => c.created_at)) - now) / 1000));
    if (live.length === 0) throw new SignInCodeError('no valid code for this phone: request a new one', { reason: 'no-valid-code', newCodeInSeconds });
    // Each live code gives up one attempt before it is compared, atomically: however many guesses
    // race, none of the phone's codes is compared more than attemptsPerCode times.
    const tried: { id: string; digest: string; used: number; script: SmsScript }[] = [];
    for (const c of live) {
      const owner = ticket !== undefined && c.ticket_digest !== null && sameDigest(c.ticket_digest, this.ticketDigest(c.id, ticket));
      const used = await this.signInStore.claimAttempt(c.id, SIGN_IN_LIMITS.attemptsPerCode, now, owner ? 'owner' : 'stranger');
      if (used !== undefined) tried.push({ id: c.id, digest: c.code_digest, used, script: smsScriptOf(c.sms_script) });
    }
    if (tried.length === 0) {
      // No attempt left to take, or the code was used up meanwhile by a request racing this one (two
      // registrations with one code): that one is told the code was used, not that it guessed wrong.
      const afterwards = await this.signInStore.signInCodesSince(phoneIndex, now - SIGN_IN_LIMITS.backoffWindowMs);
      if (afterwards.some((c) => live.some((l) => l.id === c.id) && c.consumed_at !== null)) throw new SignInCodeError('this code was already used: request a new one', { reason: 'code-used' });
      throw new CodeTriesUsedUpError('too many wrong codes: request a new one', Math.max(1, newCodeInSeconds));
    }
    const match = tried.find((c) => sameDigest(c.digest, this.digest(c.id, code)));
    if (!match) {
      const left = Math.max(...tried.map((c) => SIGN_IN_LIMITS.attemptsPerCode - c.used));
      throw new SignInCodeError(left > 0 ? `wrong code; ${left} attempts left` : 'wrong code; request a new one', left > 0 ? { reason: 'wrong-code', attemptsLeft: left } : { reason: 'wrong-code', attemptsLeft: 0, newCodeInSeconds });
    }
    return { codeId: match.id, at: now, holderId, script: match.script };
  }

  /**
   * The phone's live code that `code` is, when it has an attempt of the caller's kind left (as read
   * just now), found without taking the attempt: a registration takes it in its own transaction, as
   * it uses the code up (`useUpIn`), one commit instead of two. The attempt is still taken before the
   * answer depends on the code: `useUpIn` takes it only while one is left, as `prove` does, so racing
   * guesses win no more than `attemptsPerCode` answers. Undefined when no live code matches or it
   * has no attempt left, or an account uses the phone: the caller then proves (`prove`), which takes
   * the attempts and answers why.
   */
  async matching(phone: string, code: string, ticket?: string): Promise<MatchedCode | undefined> {
    this.checkCodeInput(code, ticket);
    const now = this.ctx.clock.now().getTime();
    // A registering phone has no account yet: its codes stand under the master key's index, read
    // beside the look-up for its holder, not after it (on PostgreSQL one round trip's wait fewer).
    // Where it has one, the codes read are not its: none is matched, and `prove` looks again.
    const [holder, recent] = await Promise.all([
      this.ctx.stores.residentLookups.findByPhone(phone),
      this.signInStore.signInCodesSince(this.ctx.cipher.unplacedIndex(SIGN_IN_CODE_INDEX, phone), now - SIGN_IN_LIMITS.backoffWindowMs),
    ]);
    if (holder !== undefined) return undefined;
    for (const c of recent) {
      if (!isLive(c, now) || !sameDigest(c.code_digest, this.digest(c.id, code))) continue;
      const by = ticket !== undefined && c.ticket_digest !== null && sameDigest(c.ticket_digest, this.ticketDigest(c.id, ticket)) ? 'owner' : 'stranger';
      if ((by === 'owner' ? c.attempts : c.stranger_attempts) >= SIGN_IN_LIMITS.attemptsPerCode) return undefined;
      return { codeId: c.id, at: now, holderId: undefined, by, script: smsScriptOf(c.sms_script) };
    }
    return undefined;
  }

  /**
   * Uses up a code `matching` found, taking one of its attempts, in `trx` when given; throws CodeRacedError when
   * it has none left, was used or expired since it was read (the caller proves again to learn why).
   */
  async useUpIn(trx: Transaction<Database> | undefined, matched: MatchedCode): Promise<void> {
    const store = trx === undefined ? this.signInStore : this.signInStore.withTransaction(trx);
    if (!(await store.useUp(matched.codeId, SIGN_IN_LIMITS.attemptsPerCode, matched.at, matched.by))) throw new CodeRacedError();
  }

  private checkCodeInput(code: string, ticket: string | undefined): void {
    if (!CODE.test(code)) {
      throw new InvalidInputError([{ field: 'code', message: `must be the ${SIGN_IN_LIMITS.codeDigits} digits sent by SMS` }]);
    }
    if (ticket !== undefined && !TICKET.test(ticket)) {
      throw new InvalidInputError([{ field: 'ticket', message: 'must be the ticket POST /api/v1/sign-in/code answered with' }]);
    }
  }

  /**
   * A session for a resident who has just proven their phone another way (registration), or whose
   * remembered device has just proven itself (`deviceId`).
   */
  async sessionFor(residentId: string, at: number, rememberedDeviceId: string | null = null): Promise<Session> {
    return this.openSession(residentId, at, rememberedDeviceId);
  }

  /** The resident a bearer token speaks for; throws if it is forged, expired or revoked. */
  async authenticate<T = never>(token: string, readAlong?: SessionReadAlong<T>): Promise<{ residentId: string; sessionId: string; along?: T }> {
    const now = this.ctx.clock.now();
    let payload;
    try {
      payload = this.verifyToken(token);
    } catch {
      throw new UnauthenticatedError('the session token is not valid: sign in again');
    }
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now.getTime()) throw new UnauthenticatedError('the session has expired: sign in again');
    const sessionId = typeof payload.jti === 'string' ? payload.jti : undefined;
    // A session found in memory is answered without waiting: no promise made, no turn of the queue.
    const found = sessionId === undefined ? undefined : this.activeSession(sessionId, now.getTime(), readAlong);
    const active = found instanceof Promise ? await found : found;
    if (sessionId === undefined || active?.residentId === undefined || active.residentId !== payload.sub) {
      throw new UnauthenticatedError('the session has ended: sign in again');
    }
    return active.along === undefined ? { residentId: active.residentId, sessionId } : { residentId: active.residentId, sessionId, along: active.along };
  }

  /**
   * The session's resident while it is active: from memory once seen, else from the database, read
   * along with what the caller needs next when it says how (one round trip instead of two).
   */
  private activeSession<T>(sessionId: string, now: number, readAlong?: SessionReadAlong<T>): ActiveSession<T> | Promise<ActiveSession<T>> {
    const cached = this.#sessions.get(sessionId);
    if (cached) return { residentId: cached.expiresAt > now ? cached.residentId : undefined };
    return this.readActiveSession(sessionId, now, readAlong);
  }

  private async readActiveSession<T>(sessionId: string, now: number, readAlong?: SessionReadAlong<T>): Promise<ActiveSession<T>> {
    const watermark = this.#sessions.watermark();
    const read = readAlong === undefined ? undefined : await readAlong(sessionId, now);
    const session = read === undefined ? await this.signInStore.activeSession(sessionId, now) : read.session;
    if (session) this.#sessions.set(sessionId, session, watermark);
    return read === undefined ? { residentId: session?.residentId } : { residentId: session?.residentId, along: read.along };
  }

  /** Ends the session; one opened on a remembered device signs that device out too, with its other sessions. */
  async signOut(sessionId: string): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    const rememberedDeviceId = await this.ctx.stores.rememberedDevices.ofSession(sessionId);
    if (rememberedDeviceId !== null) await this.ctx.stores.rememberedDevices.revoke(rememberedDeviceId, now);
    else await this.signInStore.revokeSession(sessionId, now);
  }

  private async openSession(residentId: string, now: number, rememberedDeviceId: string | null = null): Promise<Session> {
    const opened = await this.openSessionIn(undefined, residentId, now, { rememberedDeviceId });
    return opened.committed();
  }

  /**
   * Writes a session's row in `trx`, when given: for a resident registered in it (their row and
   * their session committed once, not twice). `committed`, called once the row is, signs the token;
   * with `keepInMemory`, it also keeps the session as active in memory (registration: a fresh
   * resident's session is the one their first request asks for). The watermark is taken before the
   * row is written, so a sign-out or a sunset heard meanwhile keeps it out (InvalidatedCache). Other
   * sessions are read from the database on their first use, along with what that request reads.
   */
  async openSessionIn(trx: Transaction<Database> | undefined, residentId: string, now: number, { rememberedDeviceId = null, keepInMemory = false }: OpenSessionOptions = {}): Promise<OpenedSession> {
    const sessionId = this.ctx.newId();
    const expiresAt = now + this.ctx.settings.sessionTtlSeconds * 1000;
    const watermark = this.#sessions.watermark();
    await (trx === undefined ? this.signInStore : this.signInStore.withTransaction(trx)).insertSession(sessionId, residentId, now, expiresAt, rememberedDeviceId);
    return {
      committed: () => {
        if (keepInMemory) this.#sessions.set(sessionId, { residentId, expiresAt }, watermark);
        const claims = { sub: residentId, jti: sessionId, exp: Math.floor(expiresAt / 1000) };
        const token = this.signToken({ ...claims, iat: Math.floor(now / 1000) });
        // Signed here with the key its check uses: its claims are known, and its first use (a new
        // resident's declaration, next) need not check its HMAC again.
        this.#checked?.set(token, claims);
        return { token, residentId, expiresAt };
      },
    };
  }

  /**
   * The last message sent to a phone. Development mode only: the demo has no SMS gateway, and the
   * app shows what would have arrived; the route that calls this does not exist in production.
   */
  async lastMessageTo(phoneText: string): Promise<string | null> {
    const [message] = await this.ctx.stores.outbox.list(1, this.phone(phoneText));
    return message?.body ?? null;
  }

  /** A phone as typed, checked and in E.164; the field is named when it is not a mobile number. */
  private phone(text: string): string {
    const checked = checkMobileNumber(text);
    if (!checked.ok) throw new InvalidInputError([{ field: 'phone', message: checked.message }]);
    return checked.value;
  }

  /**
   * What a phone's codes are found by: under its resident's district key, which that district's
   * sunset destroys; under the master key for a phone no account uses (moved under the district's
   * key when it registers: `placePhoneRecords`).
   */
  private async signInCodeIndex(phone: string): Promise<{ phoneIndex: string; holderId: string | undefined; holderRegion: string | undefined }> {
    const holder = await this.ctx.stores.residentLookups.findByPhone(phone);
    return holder === undefined
      ? { phoneIndex: this.ctx.cipher.unplacedIndex(SIGN_IN_CODE_INDEX, phone), holderId: undefined, holderRegion: undefined }
      : { phoneIndex: this.ctx.cipher.regionIndex(holder.region, SIGN_IN_CODE_INDEX, phone), holderId: holder.id, holderRegion: holder.region };
  }

  private digest(codeId: string, code: string): string {
    return this.ctx.cipher.secretDigest('sign-in-code', `${codeId}:${code}`);
  }

  private ticketDigest(codeId: string, ticket: string): string {
    return this.ctx.cipher.secretDigest('sign-in-ticket', `${codeId}:${ticket}`);
  }
}
