import { sql, type Kysely } from 'kysely';
import { HOUR_MS } from '../../domain/clock.js';
import type { Database } from '../schema.js';
import { SHREDDED } from './sunset-store.js';

/**
 * Aggregates for the dashboard: counts only, never a person. Each is of the regions under
 * `regionPrefix` ('' for all) and counted per district, the smallest group the dashboard shows, so
 * that the service can hide a small district's count inside every larger total too.
 */
export class StatsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Residents by current colour, per home region. */
  async coloursByRegion(regionPrefix: string): Promise<{ region: string; colour: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('resident_status')
      .innerJoin('residents', 'residents.id', 'resident_status.resident_id')
      .select(['residents.address_region as region', 'resident_status.colour as colour', (eb) => eb.fn.countAll<number>().as('n')])
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      .groupBy(['residents.address_region', 'resident_status.colour'])
      .execute();
    return rows.map((r) => ({ region: r.region, colour: r.colour, n: Number(r.n) }));
  }

  /** Residents under `regionPrefix` by home region and the colour of their last decision recorded by `end`. */
  async coloursAt(end: number, regionPrefix: string): Promise<{ region: string; colour: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('decisions as d')
      .innerJoin('residents as r', 'r.id', 'd.resident_id')
      .select(['r.address_region as region', 'd.colour', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.address_region', 'like', `${regionPrefix}%`)
      .where('d.seq', '=', (eb) => eb.selectFrom('decisions as d2').select((e) => e.fn.max('d2.seq').as('m')).whereRef('d2.resident_id', '=', 'd.resident_id').where('d2.decided_at', '<=', end))
      .groupBy(['r.address_region', 'd.colour'])
      .execute();
    return rows.map((r) => ({ region: r.region, colour: r.colour, n: Number(r.n) }));
  }

  /** Residents registered but never decided (a new registration, gray until its first declaration), per home region. */
  async undecidedByRegion(regionPrefix: string): Promise<{ region: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('residents')
      .leftJoin('resident_status', 'resident_status.resident_id', 'residents.id')
      .select(['residents.address_region as region', (eb) => eb.fn.countAll<number>().as('n')])
      .where('resident_status.resident_id', 'is', null)
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      // A sunset keeps a destroyed resident's row (shredded) but deletes their status: they are gone, not undecided.
      .where('residents.name_enc', '!=', SHREDDED)
      .groupBy('residents.address_region')
      .execute();
    return rows.map((r) => ({ region: r.region, n: Number(r.n) }));
  }

  /** Residents under `regionPrefix` registered by `end` with no decision recorded by then, per home region. */
  async undecidedAt(end: number, regionPrefix: string): Promise<{ region: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('residents as r')
      .select(['r.address_region as region', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.address_region', 'like', `${regionPrefix}%`)
      .where('r.created_at', '<=', end)
      .where('r.name_enc', '!=', SHREDDED)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('decisions as d').select('d.seq').whereRef('d.resident_id', '=', 'r.id').where('d.decided_at', '<=', end))))
      .groupBy('r.address_region')
      .execute();
    return rows.map((r) => ({ region: r.region, n: Number(r.n) }));
  }

  /**
   * Scans and place-code visits at venues under `regionPrefix`, per venue region and hour (the
   * hour's number since the epoch) between `from` and `to`: how many were admitted and refused.
   */
  async scansPerHour(from: number, to: number, regionPrefix: string): Promise<{ region: string; hour: number; admitted: number; refused: number }[]> {
    const hour = sql<number>`(scans.scanned_at / ${sql.lit(HOUR_MS)})`;
    const rows = await this.db
      .selectFrom('scans')
      .innerJoin('venues', 'venues.id', 'scans.venue_id')
      .select(['venues.region_code as region', hour.as('h'), (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('scans.admitted').as('a')])
      .where('scans.scanned_at', '>=', from)
      .where('scans.scanned_at', '<=', to)
      .where('venues.region_code', 'like', `${regionPrefix}%`)
      .groupBy(['venues.region_code', hour])
      .execute();
    return rows.map((r) => {
      const admitted = Number(r.a ?? 0);
      return { region: r.region, hour: Math.floor(Number(r.h)), admitted, refused: Number(r.n) - admitted };
    });
  }

  /** When each current quarantine of a resident under `regionPrefix` ending in (from, to] ends, with their home region. */
  async quarantineEnds(from: number, to: number, regionPrefix: string): Promise<{ region: string; greenOn: number }[]> {
    const rows = await this.db
      .selectFrom('resident_status')
      .innerJoin('residents', 'residents.id', 'resident_status.resident_id')
      .select(['residents.address_region as region', 'resident_status.green_on'])
      .where('resident_status.colour', '!=', 'green')
      .where('resident_status.green_on', '>', from)
      .where('resident_status.green_on', '<=', to)
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      .execute();
    return rows.map((r) => ({ region: r.region, greenOn: r.green_on! }));
  }
}
