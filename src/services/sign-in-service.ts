import { randomInt, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { InvalidInputError } from '../domain/field-errors.js';
import { checkMobileNumber } from '../domain/phone.js';
import { ResidentsStore } from '../store/residents-store.js';
import { SignInStore } from '../store/sign-in-store.js';
import type { ServiceContext } from './context.js';
import { TooManyRequestsError, UnauthenticatedError } from './service-errors.js';

/** Limits on one-time codes; they make guessing a 6-digit code hopeless (5 tries of 10^6 per code). */
export const SIGN_IN_LIMITS = {
  codeDigits: 6,
  attemptsPerCode: 5,
  resendAfterSeconds: 60,
  codesPerHour: 5,
} as const;

const ISSUER = 'healthcode';
const AUDIENCE = 'healthcode-resident';

export interface CodeRequestResult {
  expiresAt: string;
  resendAfterSeconds: number;
}

export interface Session {
  token: string;
  residentId: string;
  expiresAt: string;
}

export class SignInService {
  private readonly codes: SignInStore;
  private readonly residents: ResidentsStore;

  constructor(private readonly ctx: ServiceContext) {
    this.codes = new SignInStore(ctx.store.db);
    this.residents = new ResidentsStore(ctx.store.db, ctx.cipher);
  }

  /**
   * Sends a one-time code to a registered phone. An unregistered phone gets the same answer and no SMS,
   * so the endpoint cannot be used to learn who is registered.
   */
  async requestCode(phoneText: string): Promise<CodeRequestResult> {
    const phone = this.phone(phoneText);
    const now = this.ctx.clock.now().getTime();
    const phoneIndex = this.residents.phoneIndex(phone);
    const recent = await this.codes.codesSince(phoneIndex, now - 3_600_000);
    const last = recent[0];
    if (last && now - last.created_at < SIGN_IN_LIMITS.resendAfterSeconds * 1000) {
      const wait = Math.ceil((last.created_at + SIGN_IN_LIMITS.resendAfterSeconds * 1000 - now) / 1000);
      throw new TooManyRequestsError(`a code was sent less than ${SIGN_IN_LIMITS.resendAfterSeconds} seconds ago; wait before asking again`, wait);
    }
    if (recent.length >= SIGN_IN_LIMITS.codesPerHour) {
      const oldest = recent[recent.length - 1]!;
      throw new TooManyRequestsError(`at most ${SIGN_IN_LIMITS.codesPerHour} codes an hour`, Math.ceil((oldest.created_at + 3_600_000 - now) / 1000));
    }
    const code = String(randomInt(0, 10 ** SIGN_IN_LIMITS.codeDigits)).padStart(SIGN_IN_LIMITS.codeDigits, '0');
    const id = this.ctx.newId();
    const ttl = this.ctx.settings.signInCodeTtlSeconds;
    await this.codes.insertCode({
      id,
      phone_index: phoneIndex,
      code_digest: this.digest(id, code),
      created_at: now,
      expires_at: now + ttl * 1000,
      attempts: 0,
      consumed_at: null,
    });
    const residentId = await this.residents.findIdByPhone(phone);
    if (residentId !== undefined) {
      const minutes = Math.round(ttl / 60);
      await this.ctx.sms.send(phone, `【健康码】登录验证码 ${code}，${minutes} 分钟内有效，请勿告诉他人。Your healthcode sign-in code is ${code}, valid for ${minutes} minutes. Never share it.`);
      // Development convenience: the code in the log saves reading the outbox. Never in production.
      if (this.ctx.settings.mode === 'development') this.ctx.logger.info({ signInCode: code, codeId: id }, 'sign-in code sent (shown in development mode only)');
      else this.ctx.logger.info({ codeId: id }, 'sign-in code sent');
    }
    return { expiresAt: new Date(now + ttl * 1000).toISOString(), resendAfterSeconds: SIGN_IN_LIMITS.resendAfterSeconds };
  }

  /** Exchanges a phone's newest unexpired code for a signed session. */
  async verifyCode(phoneText: string, code: string): Promise<Session> {
    const phone = this.phone(phoneText);
    if (!new RegExp(`^\\d{${SIGN_IN_LIMITS.codeDigits}}$`).test(code)) {
      throw new InvalidInputError([{ field: 'code', message: `must be the ${SIGN_IN_LIMITS.codeDigits} digits sent by SMS` }]);
    }
    const now = this.ctx.clock.now().getTime();
    const phoneIndex = this.residents.phoneIndex(phone);
    const latest = (await this.codes.codesSince(phoneIndex, now - this.ctx.settings.signInCodeTtlSeconds * 1000))[0];
    if (!latest || latest.consumed_at !== null || latest.expires_at <= now) {
      throw new UnauthenticatedError('no valid code for this phone: request a new one');
    }
    if (latest.attempts >= SIGN_IN_LIMITS.attemptsPerCode) {
      throw new TooManyRequestsError('too many wrong codes: request a new one', SIGN_IN_LIMITS.resendAfterSeconds);
    }
    await this.codes.countAttempt(latest.id);
    const expected = Buffer.from(latest.code_digest);
    const given = Buffer.from(this.digest(latest.id, code));
    const residentId = await this.residents.findIdByPhone(phone);
    if (expected.length !== given.length || !timingSafeEqual(expected, given) || residentId === undefined) {
      const left = SIGN_IN_LIMITS.attemptsPerCode - latest.attempts - 1;
      throw new UnauthenticatedError(left > 0 ? `wrong code; ${left} attempts left` : 'wrong code; request a new one');
    }
    if (!(await this.codes.consume(latest.id, now))) throw new UnauthenticatedError('this code was already used: request a new one');
    await this.residents.markPhoneVerified(residentId, now);
    return this.openSession(residentId, now);
  }

  /** The resident a bearer token speaks for; throws if it is forged, expired or revoked. */
  async authenticate(token: string): Promise<{ residentId: string; sessionId: string }> {
    const now = this.ctx.clock.now();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.ctx.sessionKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('the session has expired: sign in again');
      throw new UnauthenticatedError('the session token is not valid: sign in again');
    }
    const sessionId = payload.jti;
    const residentId = sessionId === undefined ? undefined : await this.codes.activeSession(sessionId, now.getTime());
    if (sessionId === undefined || residentId === undefined || residentId !== payload.sub) {
      throw new UnauthenticatedError('the session has ended: sign in again');
    }
    return { residentId, sessionId };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.codes.revokeSession(sessionId, this.ctx.clock.now().getTime());
  }

  private async openSession(residentId: string, now: number): Promise<Session> {
    const sessionId = this.ctx.newId();
    const expiresAt = now + this.ctx.settings.sessionTtlSeconds * 1000;
    await this.codes.insertSession(sessionId, residentId, now, expiresAt);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(residentId)
      .setJti(sessionId)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.ctx.sessionKey);
    return { token, residentId, expiresAt: new Date(expiresAt).toISOString() };
  }

  private phone(text: string): string {
    const checked = checkMobileNumber(text);
    if (!checked.ok) throw new InvalidInputError([{ field: 'phone', message: checked.message }]);
    return checked.value;
  }

  private digest(codeId: string, code: string): string {
    return this.ctx.cipher.secretDigest('sign-in-code', `${codeId}:${code}`);
  }
}
