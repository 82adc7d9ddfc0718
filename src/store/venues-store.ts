import type { Kysely } from 'kysely';
import type { Venue, VenueType } from '../domain/venue.js';
import type { Database } from './schema.js';

/** Venues are public places, not people: nothing here is encrypted. */
export class VenuesStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(venue: Venue, now: number): Promise<void> {
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
        created_at: now,
      })
      .execute();
  }

  async list(region?: string): Promise<Venue[]> {
    let query = this.db.selectFrom('venues').selectAll().orderBy('name');
    if (region !== undefined) query = query.where('region_code', '=', region);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type as VenueType,
      region: r.region_code,
      address: r.address,
      latitude: r.latitude,
      longitude: r.longitude,
      operator: r.operator,
    }));
  }
}
