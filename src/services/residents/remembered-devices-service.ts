import { randomBytes } from 'node:crypto';
import { DAY_MS, MINUTE_MS } from '../../domain/clock.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { sameDigest } from '../../privacy/field-cipher.js';
import type { ServiceContext } from '../context.js';
import { NotFoundError, UnauthenticatedError } from '../service-errors.js';
import type { Session, SignInService } from './sign-in-service.js';

/**
 * How long a resident stays signed in on their own device: a device unused this long is forgotten,
 * and none is kept longer than the most, however often it is used; then the phone is proven again.
 */
export const REMEMBERED_DEVICE_LIMITS = {
  idleDays: 30,
  mostDays: 180,
  /** A device is remembered only by a session this fresh: one just opened with an SMS code. */
  rememberWithinMinutes: 10,
} as const;

export interface RememberedDevice {
  id: string;
  /** Shown once: the app keeps it to open new sessions; each use replaces it. */
  refreshToken: string;
  expiresAt: number;
}

export interface RememberedDeviceView {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  current: boolean;
}

/**
 * Staying signed in on one's own device (a remembered device). A remembered device holds a refresh credential that opens a new
 * session when the last one has ended, and is replaced each time it is used; one shown again after
 * it was replaced means it was copied, and the device is signed out. Residents see their devices
 * and sign any of them out.
 */
export class RememberedDevicesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly signIn: SignInService,
  ) {}

  private get store() {
    return this.ctx.stores.rememberedDevices;
  }

  /** Remembers the device a fresh session was opened on (just proven by SMS); its sessions are tied to it from now on. */
  async remember(caller: { residentId: string; sessionId: string }, label: string): Promise<RememberedDevice> {
    const cleaned = label.replace(/\s+/g, ' ').trim();
    if (cleaned.length === 0 || cleaned.length > 80) throw new InvalidInputError([{ field: 'label', message: 'must name the device in 1 to 80 characters' }]);
    const now = this.ctx.clock.now().getTime();
    const origin = await this.store.sessionOrigin(caller.sessionId);
    if (!origin || now - origin.createdAt > REMEMBERED_DEVICE_LIMITS.rememberWithinMinutes * MINUTE_MS) {
      throw new UnauthenticatedError(`a device is remembered only right after signing in with an SMS code (within ${REMEMBERED_DEVICE_LIMITS.rememberWithinMinutes} minutes): sign in again`);
    }
    const taken = new InvalidInputError([{ field: 'label', message: 'this session already belongs to a remembered device: sign in with an SMS code on the other one' }]);
    if (origin.rememberedDeviceId !== null) throw taken;
    const id = this.ctx.newId();
    const secret = randomBytes(32).toString('base64url');
    const row = { id, resident_id: caller.residentId, label: cleaned, refresh_digest: this.digest(id, secret), rotated_at: now, created_at: now, last_used_at: now, revoked_at: null };
    if (!(await this.store.insertFor(caller.sessionId, row))) throw taken;
    return { id, refreshToken: `${id}.${secret}`, expiresAt: this.expiry({ created_at: now, last_used_at: now }) };
  }

  /** A new session from a device's refresh credential, and the credential that replaces it. */
  async refresh(refreshToken: string): Promise<{ session: Session; device: RememberedDevice }> {
    const refused = new UnauthenticatedError('this device is no longer signed in: sign in with an SMS code');
    const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(refreshToken);
    if (!match) throw refused;
    const [, id, secret] = match as unknown as [string, string, string];
    const now = this.ctx.clock.now().getTime();
    const device = await this.store.find(id);
    if (!device || device.revoked_at !== null || now >= this.expiry(device)) throw refused;
    const given = this.digest(id, secret);
    if (!sameDigest(given, device.refresh_digest)) {
      // Any credential already replaced, shown again: a copy is in someone else's hands. Which of the
      // two is the thief cannot be told, so the device ends for both (RFC 9700 §4.14.2). The app
      // never shows one twice itself: it refreshes one at a time (web/src/resident/session.ts).
      if (await this.store.wasSpent(id, given)) await this.store.revoke(id, now);
      throw refused;
    }
    const nextSecret = randomBytes(32).toString('base64url');
    const opened = await this.store.rotate(id, device.refresh_digest, this.digest(id, nextSecret), now, (trx) => this.signIn.openSessionIn(trx, device.resident_id, now, { rememberedDeviceId: id }));
    if (opened === undefined) {
      // Another refresh with this same credential won the race a moment ago: the same copy, twice.
      await this.store.revoke(id, now);
      throw refused;
    }
    const session = opened.committed();
    return { session, device: { id, refreshToken: `${id}.${nextSecret}`, expiresAt: this.expiry({ created_at: device.created_at, last_used_at: now }) } };
  }

  /** The resident's devices still signed in, the caller's own marked. */
  async list(caller: { residentId: string; sessionId: string }): Promise<RememberedDeviceView[]> {
    const now = this.ctx.clock.now().getTime();
    const origin = await this.store.sessionOrigin(caller.sessionId);
    return (await this.store.ofResident(caller.residentId))
      .filter((d) => now < this.expiry(d))
      .map((d) => ({
        id: d.id,
        label: d.label,
        createdAt: d.created_at,
        lastUsedAt: d.last_used_at,
        expiresAt: this.expiry(d),
        current: origin?.rememberedDeviceId === d.id,
      }));
  }

  /** Signs one of the caller's devices out, with every session opened through it. */
  async signOut(caller: { residentId: string }, deviceId: string): Promise<void> {
    const device = await this.store.find(deviceId);
    if (!device || device.resident_id !== caller.residentId || device.revoked_at !== null) throw new NotFoundError('device');
    await this.store.revoke(deviceId, this.ctx.clock.now().getTime());
  }

  private expiry(d: { created_at: number; last_used_at: number }): number {
    return Math.min(d.last_used_at + REMEMBERED_DEVICE_LIMITS.idleDays * DAY_MS, d.created_at + REMEMBERED_DEVICE_LIMITS.mostDays * DAY_MS);
  }

  private digest(id: string, secret: string): string {
    return this.ctx.cipher.secretDigest('device-refresh', `${id}:${secret}`);
  }
}
