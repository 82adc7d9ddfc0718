import { sql, type Kysely } from 'kysely';
import { HOUR_MS } from '../../domain/clock.js';
import type { Database } from '../schema.js';

/** Aggregates for the dashboard: counts only, never a person. */
export class StatsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Residents by current colour, per home region. */
  async coloursByRegion(): Promise<{ region: string; colour: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('resident_status')
      .innerJoin('residents', 'residents.id', 'resident_status.resident_id')
      .select(['residents.address_region as region', 'resident_status.colour as colour', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['residents.address_region', 'resident_status.colour'])
      .execute();
    return rows.map((r) => ({ region: r.region, colour: r.colour, n: Number(r.n) }));
  }

  /** Residents under `regionPrefix` by the colour of their last decision recorded by `end`. */
  async coloursAt(end: number, regionPrefix: string): Promise<{ colour: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('decisions as d')
      .innerJoin('residents as r', 'r.id', 'd.resident_id')
      .select(['d.colour', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.address_region', 'like', `${regionPrefix}%`)
      .where('d.seq', '=', (eb) => eb.selectFrom('decisions as d2').select((e) => e.fn.max('d2.seq').as('m')).whereRef('d2.resident_id', '=', 'd.resident_id').where('d2.decided_at', '<=', end))
      .groupBy('d.colour')
      .execute();
    return rows.map((r) => ({ colour: r.colour, n: Number(r.n) }));
  }

  /** Scans and admissions per hour (the hour's number since the epoch) between `from` and `to`. */
  async scansPerHour(from: number, to: number): Promise<Map<number, { scans: number; admitted: number }>> {
    const rows = await this.db
      .selectFrom('scans')
      .select([sql<number>`(scanned_at / ${sql.lit(HOUR_MS)})`.as('h'), (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('admitted').as('a')])
      .where('scanned_at', '>=', from)
      .where('scanned_at', '<=', to)
      .groupBy(sql`(scanned_at / ${sql.lit(HOUR_MS)})`)
      .execute();
    return new Map(rows.map((r) => [Math.floor(Number(r.h)), { scans: Number(r.n), admitted: Number(r.a ?? 0) }]));
  }

  /** When each current quarantine ending in (from, to] ends. */
  async quarantineEnds(from: number, to: number): Promise<number[]> {
    const rows = await this.db.selectFrom('resident_status').select('green_on').where('colour', '!=', 'green').where('green_on', '>', from).where('green_on', '<=', to).execute();
    return rows.map((r) => r.green_on!);
  }
}
