import type { Kysely, Selectable } from 'kysely';
import type { Venue, VenueType } from '../domain/venue.js';
import type { Database, VenuesTable } from './schema.js';

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

  async findById(id: string): Promise<Venue | undefined> {
    const row = await this.db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toVenue(row);
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
