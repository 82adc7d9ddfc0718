import type { Kysely, Selectable } from 'kysely';
import type { Colour } from '../../domain/colour.js';
import type { CheckpointDeviceContact } from '../../domain/checkpoints/checkpoint-device-contact.js';
import type { EntryPolicy } from '../../domain/checkpoints/entry-policy.js';
import type { Venue, VenueType } from '../../domain/checkpoints/venue.js';
import type { Database, VenuesTable } from '../schema.js';

/** Venues are public places, not people: nothing here is encrypted. */
export class VenuesStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** `operatorStaffId`: the venue-role credential that registered it, and alone (with the authority) manages it. */
  async insert(venue: Venue, now: number, operatorStaffId: string | null = null): Promise<void> {
    await this.db
      .insertInto('venues')
      .values({
        id: venue.id,
        name: venue.name,
        type: venue.type,
        region_code: venue.region,
        address: venue.address,
        latitude: venue.latitude,
        longitude: venue.longitude,
        operator: venue.operator,
        operator_staff_id: operatorStaffId,
        created_at: now,
      })
      .execute();
  }

  async findById(id: string): Promise<Venue | undefined> {
    const row = await this.db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toVenue(row);
  }

  /** Puts out a one-time pairing code for a checkpoint device (its digest), replacing any before it. */
  async setPairing(deviceId: string, digest: string, expiresAt: number): Promise<void> {
    await this.db.updateTable('checkpoint_devices').set({ pairing_digest: digest, pairing_expires_at: expiresAt }).where('id', '=', deviceId).execute();
  }

  /**
   * Uses up a pairing code and gives the device its new credential, in one statement: of two
   * scanners presenting the same code, one is paired. Undefined for a code unknown, used or expired.
   */
  async claimPairing(digest: string, secretDigest: string, now: number): Promise<{ deviceId: string; venueId: string } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('checkpoint_devices')
        .set({ pairing_digest: null, pairing_expires_at: null })
        .where('pairing_digest', '=', digest)
        .where('pairing_expires_at', '>', now)
        .where('revoked_at', 'is', null)
        .returning(['id', 'venue_id'])
        .executeTakeFirst();
      if (!row) return undefined;
      await trx.updateTable('checkpoint_devices').set({ secret_digest: secretDigest }).where('id', '=', row.id).execute();
      return { deviceId: row.id, venueId: row.venue_id };
    });
  }

  async insertCheckpointDevice(d: { id: string; venueId: string; name: string; secretDigest: string; now: number }): Promise<void> {
    await this.db
      .insertInto('checkpoint_devices')
      .values({ id: d.id, venue_id: d.venueId, name: d.name, secret_digest: d.secretDigest, created_at: d.now, revoked_at: null, last_contact_at: d.now, contact_run_started_at: d.now, contact_before_run_at: d.now })
      .execute();
  }

  /** A checkpoint device with its venue's type, its secret's digest and when it was last heard from. */
  async checkpointDevice(id: string): Promise<{ id: string; venueId: string; venueType: VenueType; secretDigest: string; revoked: boolean; contact: CheckpointDeviceContact } | undefined> {
    const row = await this.db
      .selectFrom('checkpoint_devices')
      .innerJoin('venues', 'venues.id', 'checkpoint_devices.venue_id')
      .select(['checkpoint_devices.id', 'checkpoint_devices.venue_id', 'checkpoint_devices.secret_digest', 'checkpoint_devices.revoked_at', 'checkpoint_devices.created_at', 'checkpoint_devices.last_contact_at', 'checkpoint_devices.contact_run_started_at', 'checkpoint_devices.contact_before_run_at', 'venues.type'])
      .where('checkpoint_devices.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      venueId: row.venue_id,
      venueType: row.type as VenueType,
      secretDigest: row.secret_digest,
      revoked: row.revoked_at !== null,
      contact: { last: row.last_contact_at ?? row.created_at, runStart: row.contact_run_started_at ?? row.created_at, beforeRun: row.contact_before_run_at ?? row.created_at },
    };
  }

  async recordContact(deviceId: string, contact: CheckpointDeviceContact): Promise<void> {
    await this.db
      .updateTable('checkpoint_devices')
      .set({ last_contact_at: contact.last, contact_run_started_at: contact.runStart, contact_before_run_at: contact.beforeRun })
      .where('id', '=', deviceId)
      .execute();
  }

  /** A venue type's entry policy, if the authority has set one. */
  async policy(type: VenueType): Promise<EntryPolicy | undefined> {
    const row = await this.db.selectFrom('entry_policies').selectAll().where('venue_type', '=', type).executeTakeFirst();
    return row && { allowed: JSON.parse(row.allowed) as Colour[], overlapMinutes: row.overlap_minutes, decidedWithinMinutes: row.decided_within_minutes ?? null };
  }

  async setPolicy(type: string, policy: EntryPolicy, now: number): Promise<void> {
    const values = { allowed: JSON.stringify(policy.allowed), overlap_minutes: policy.overlapMinutes, decided_within_minutes: policy.decidedWithinMinutes ?? null, updated_at: now };
    await this.db.insertInto('entry_policies').values({ venue_type: type, ...values }).onConflict((oc) => oc.column('venue_type').doUpdateSet(values)).execute();
  }

  /** The staff credential that operates a venue, or null where only the authority does. */
  async operatorOf(id: string): Promise<string | null | undefined> {
    const row = await this.db.selectFrom('venues').select('operator_staff_id').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : row.operator_staff_id;
  }

  /** The venues a staff credential registered and operates. */
  async operatedBy(staffId: string): Promise<Venue[]> {
    return (await this.db.selectFrom('venues').selectAll().where('operator_staff_id', '=', staffId).orderBy('name').execute()).map(toVenue);
  }

  async list(region?: string): Promise<Venue[]> {
    let query = this.db.selectFrom('venues').selectAll().orderBy('name');
    if (region !== undefined) query = query.where('region_code', '=', region);
    return (await query.execute()).map(toVenue);
  }
}

function toVenue(r: Selectable<VenuesTable>): Venue {
  return {
    id: r.id,
    name: r.name,
    type: r.type as VenueType,
    region: r.region_code,
    address: r.address,
    latitude: r.latitude,
    longitude: r.longitude,
    operator: r.operator,
  };
}
