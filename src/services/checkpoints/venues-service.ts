import { randomBytes } from 'node:crypto';
import { readPlaceCode, signPlaceCode } from '../../codes/place-code.js';
import { DAY_MS } from '../../domain/clock.js';
import { COLOURS } from '../../domain/colour.js';
import type { CheckpointDeviceContact } from '../../domain/checkpoints/checkpoint-device-contact.js';
import { DEFAULT_ENTRY_POLICIES, type EntryPolicy } from '../../domain/checkpoints/entry-policy.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { isRegionCode } from '../../domain/regions.js';
import { PAIRING_PREFIX, VENUE_TYPES, type Venue, type VenueType } from '../../domain/checkpoints/venue.js';
import { limitsOf, type ServiceContext } from '../context.js';
import { spend } from '../rate-limiter.js';

/** Venues one venue-operator credential registers a day: each brings its own devices and limits. */
export const VENUES_PER_OPERATOR_PER_DAY = 20;
import type { KeysService } from '../keys-service.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../service-errors.js';
import type { StaffMember } from '../staff-service.js';

/** A checkpoint device's credential: its id and its secret, behind a prefix that says what it is. */
const CHECKPOINT_DEVICE_CREDENTIAL = /^hcd_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;
const checkpointDeviceCredential = (id: string, secret: string) => `hcd_${id}.${secret}`;

/** How long a pairing code shown in the venue app may be scanned. */
export const PAIRING_MINUTES = 10;

/** A one-time pairing code, as its QR carries it (upper-case hex, which the QR's alphanumeric mode holds compactly). */
export interface Pairing {
  code: string;
  expiresAt: number;
}


export interface CheckpointDevice {
  id: string;
  venueId: string;
  venueType: VenueType;
  /** When it was last heard from, before this request. */
  contact: CheckpointDeviceContact;
}

/** Venues, their checkpoint devices, the entry policy of each venue type, and place codes. */
export class VenuesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
  ) {}

  /** A venue registered by a venue-role credential is operated by it alone (and the authority). */
  async registerVenue(input: Omit<Venue, 'id'>, by?: StaffMember): Promise<Venue & { placeCode: string }> {
    const errors = new FieldErrorCollector();
    if (input.name.trim() === '' || input.name.length > 100) errors.add('name', 'must be 1 to 100 characters');
    if (!(VENUE_TYPES as readonly string[]).includes(input.type)) errors.add('type', `must be one of ${VENUE_TYPES.join(', ')}`);
    if (!isRegionCode(input.region)) errors.add('region', `'${input.region}' is not a GB/T 2260 code`);
    if (input.address.trim() === '' || input.address.length > 200) errors.add('address', 'must be 1 to 200 characters');
    if (!(input.latitude >= 3 && input.latitude <= 54)) errors.add('latitude', 'must lie within China (3 to 54)');
    if (!(input.longitude >= 73 && input.longitude <= 136)) errors.add('longitude', 'must lie within China (73 to 136)');
    if (input.operator.trim() === '' || input.operator.length > 100) errors.add('operator', 'must be 1 to 100 characters');
    errors.throwIfAny();
    if (by?.role === 'venue') await spend(this.ctx.limiter, `venues-operator:${by.id}`, VENUES_PER_OPERATOR_PER_DAY, DAY_MS, `at most ${VENUES_PER_OPERATOR_PER_DAY} venues registered a day by one venue operator`);
    const venue: Venue = { id: this.ctx.newId(), ...input };
    await this.ctx.stores.venues.insert(venue, this.ctx.clock.now().getTime(), by?.role === 'venue' ? by.id : null);
    return { ...venue, placeCode: await this.placeCode(venue) };
  }

  async venue(id: string): Promise<Venue> {
    const venue = await this.ctx.stores.venues.findById(id);
    if (!venue) throw new NotFoundError('venue');
    return venue;
  }

  async placeCode(venue: Venue): Promise<string> {
    return signPlaceCode(await this.keys.activeKey(venue.region), venue, Math.floor(this.ctx.clock.now().getTime() / 1000));
  }

  /**
   * A new device credential for a venue; the token is shown once. Venue staff act only on the venues
   * they operate: a credential of another operator's venue would let them scan, and see, its visitors.
   */
  /**
   * Registers a checkpoint device. Its credential is shown once, to copy; and a one-time pairing code
   * is put out for the scanner app to read with its camera instead, which gives the device a fresh
   * credential (the copied one then no longer works).
   */
  async registerCheckpointDevice(venueId: string, name: string, by?: StaffMember): Promise<{ deviceId: string; token: string; pairing: Pairing }> {
    await this.venue(venueId);
    if (by !== undefined) await this.requireOperator(by, venueId);
    // Each device has its own limits (checks, ID look-ups): a venue free to make devices would be free
    // of them. Counted before the device is made, so registrations racing each other are counted too.
    const perDay = limitsOf(this.ctx).checkpointDevicesPerVenuePerDay;
    await spend(this.ctx.limiter, `devices-venue:${venueId}`, perDay, DAY_MS, `at most ${perDay} devices registered a day for one venue`);
    const id = this.ctx.newId();
    const { secret, digest } = this.newCheckpointDeviceSecret();
    await this.ctx.stores.venues.insertCheckpointDevice({ id, venueId, name, secretDigest: digest, now: this.ctx.clock.now().getTime() });
    return { deviceId: id, token: checkpointDeviceCredential(id, secret), pairing: await this.putOutPairing(id) };
  }

  /** A new one-time pairing code for a checkpoint device of a venue `by` operates (the last one stops working). */
  async newPairing(venueId: string, deviceId: string, by: StaffMember): Promise<Pairing> {
    await this.requireOperator(by, venueId);
    const device = await this.ctx.stores.venues.checkpointDevice(deviceId);
    if (!device || device.venueId !== venueId || device.revoked) throw new NotFoundError('device');
    return this.putOutPairing(deviceId);
  }

  /** Exchanges a scanned pairing code for the device's credential; a code works once, for 10 minutes. */
  async pair(text: string): Promise<{ deviceId: string; token: string }> {
    const trimmed = text.trim();
    const code = trimmed.startsWith(PAIRING_PREFIX) ? trimmed.slice(PAIRING_PREFIX.length) : trimmed;
    if (!/^[0-9A-F]{40}$/.test(code)) throw new UnauthenticatedError('this is not a pairing code: show a new one in the venue app');
    const { secret, digest } = this.newCheckpointDeviceSecret();
    const claimed = await this.ctx.stores.venues.claimPairing(this.ctx.cipher.secretDigest('pairing', code), digest, this.ctx.clock.now().getTime());
    if (!claimed) throw new UnauthenticatedError('this pairing code was used or has expired: show a new one in the venue app');
    return { deviceId: claimed.deviceId, token: checkpointDeviceCredential(claimed.deviceId, secret) };
  }

  /** A new device secret, and the digest of it that is stored. */
  private newCheckpointDeviceSecret(): { secret: string; digest: string } {
    const secret = randomBytes(32).toString('base64url');
    return { secret, digest: this.ctx.cipher.secretDigest('device', secret) };
  }

  private async putOutPairing(deviceId: string): Promise<Pairing> {
    const pairingCode = randomBytes(20).toString('hex').toUpperCase();
    const expiresAt = this.ctx.clock.now().getTime() + PAIRING_MINUTES * 60_000;
    await this.ctx.stores.venues.setPairing(deviceId, this.ctx.cipher.secretDigest('pairing', pairingCode), expiresAt);
    return { code: `${PAIRING_PREFIX}${pairingCode}`, expiresAt };
  }

  /** The venues `staff` may manage: every venue for the authority, its own for a venue credential. */
  async venuesOperatedBy(staff: StaffMember): Promise<Venue[]> {
    return staff.role === 'authority' ? this.ctx.stores.venues.list() : this.ctx.stores.venues.operatedBy(staff.id);
  }

  /** The authority manages every venue; a venue-role credential only those it registered. */
  async requireOperator(staff: StaffMember, venueId: string): Promise<void> {
    if (staff.role === 'authority') return;
    const operator = await this.ctx.stores.venues.operatorOf(venueId);
    if (operator === undefined) throw new NotFoundError('venue');
    if (staff.role !== 'venue' || operator !== staff.id) throw new ForbiddenError('this venue is operated by another credential', { reason: 'other-venue' });
  }

  async authenticateCheckpointDevice(token: string): Promise<CheckpointDevice> {
    const match = CHECKPOINT_DEVICE_CREDENTIAL.exec(token);
    if (!match) throw new UnauthenticatedError('the device credential is not valid');
    const row = await this.ctx.stores.venues.checkpointDevice(match[1]!);
    if (!row || row.revoked || row.secretDigest !== this.ctx.cipher.secretDigest('device', match[2]!)) throw new UnauthenticatedError('the device credential is not valid');
    return { id: row.id, venueId: row.venueId, venueType: row.venueType, contact: row.contact };
  }

  async policy(type: VenueType): Promise<EntryPolicy> {
    return (await this.ctx.stores.venues.policy(type)) ?? DEFAULT_ENTRY_POLICIES[type];
  }

  async setPolicy(type: string, policy: EntryPolicy): Promise<EntryPolicy> {
    const errors = new FieldErrorCollector();
    if (!(VENUE_TYPES as readonly string[]).includes(type)) errors.add('type', `must be one of ${VENUE_TYPES.join(', ')}`);
    policy.allowed.forEach((c, i) => (COLOURS as readonly string[]).includes(c) || errors.add(`allowed[${i}]`, `must be one of ${COLOURS.join(', ')}`));
    if (!Number.isInteger(policy.overlapMinutes) || policy.overlapMinutes < 1 || policy.overlapMinutes > 1440) errors.add('overlapMinutes', 'must be 1 to 1440');
    const within = policy.decidedWithinMinutes ?? null;
    if (within !== null && (!Number.isInteger(within) || within < 1 || within > 1440)) errors.add('decidedWithinMinutes', 'must be 1 to 1440, or null for no limit');
    errors.throwIfAny();
    await this.ctx.stores.venues.setPolicy(type, { allowed: [...new Set(policy.allowed)], overlapMinutes: policy.overlapMinutes, decidedWithinMinutes: within }, this.ctx.clock.now().getTime());
    return this.policy(type as VenueType);
  }

  /** The venue a scanned place code names, if one of our keys signed it (retired keys too: place codes stay on walls). */
  async venueOfPlaceCode(text: string): Promise<{ venueId: string } | { error: string }> {
    return readPlaceCode(text, (kid) => this.ctx.stores.keys.publicKey(kid));
  }

  /** Registered venues, public: places, not people. */
  async list(region?: string): Promise<Venue[]> {
    return this.ctx.stores.venues.list(region);
  }
}
