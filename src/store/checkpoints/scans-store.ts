import { sql, type Kysely, type Transaction } from 'kysely';
import { DAY_MS } from '../../domain/clock.js';
import { lockAllIn, lockIn, type Engine } from '../database.js';
import type { Database, ScansTable } from '../schema.js';

export type ScanRow = Omit<ScansTable, 'issuer'> & { issuer?: string | null };

/**
 * How long a device's scan id names one scan: retention keeps scans this long (the service refuses
 * older ones), so an id stored within it is that scan, sent again, whatever time or content it claims.
 */
export const SCAN_ID_KEPT_MS = 28 * DAY_MS;

/** A scan's identity in a batch's outcome: its row id and the time the device recorded. */
export const scanKey = (row: Pick<ScanRow, 'id' | 'scanned_at'>) => `${row.id}@${row.scanned_at}`;

/** Two copies of one scan: the same device and scan id within the window, whatever time either claims. */
export function sameScan(a: Pick<ScanRow, 'id' | 'scanned_at'>, b: Pick<ScanRow, 'id' | 'scanned_at'>): boolean {
  return a.id === b.id && Math.abs(a.scanned_at - b.scanned_at) <= SCAN_ID_KEPT_MS;
}

/** Every scan and place-code visit, stored exactly once. */
export class ScansStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  /**
   * Inserts the rows not stored yet and returns the keys (`scanKey`) of those it stored. A device's
   * scan id names one scan: a row whose id (device and scan id) is already stored within the window,
   * or came earlier in the batch, is a duplicate whatever its time or content (the first wins), so a
   * retry, an online scan sent again offline, or a replay with another time store nothing. The ids are
   * held while looking and inserting, so that copies arriving at once store one. On PostgreSQL the
   * table is partitioned by day; the look-up by id covers the window's partitions.
   */
  async insertNew(rows: ScanRow[]): Promise<Set<string>> {
    const ids = new Set<string>();
    const fresh = rows.filter((r) => !ids.has(r.id) && ids.add(r.id));
    if (fresh.length === 0) return new Set();
    return this.db.transaction().execute(async (trx) => {
      await lockAllIn(this.engine, trx, fresh.map((r) => `scan ${r.id}`));
      const times = fresh.map((r) => r.scanned_at);
      const existing = await trx
        .selectFrom('scans')
        .select(['id', 'scanned_at'])
        .where(
          'id',
          'in',
          fresh.map((r) => r.id),
        )
        .where('scanned_at', '>=', Math.min(...times) - SCAN_ID_KEPT_MS)
        .where('scanned_at', '<=', Math.max(...times) + SCAN_ID_KEPT_MS)
        .execute();
      const unseen = fresh.filter((row) => !existing.some((k) => sameScan(k, row)));
      return unseen.length === 0 ? new Set<string>() : this.insert(trx, unseen);
    });
  }

  private async insert(db: Kysely<Database>, rows: ScanRow[]): Promise<Set<string>> {
    if (this.engine === 'postgres') return this.insertPostgres(db, rows);
    const inserted = await db.insertInto('scans').values(rows).onConflict((oc) => oc.doNothing()).returning(['id', 'scanned_at']).execute();
    return new Set(inserted.map(scanKey));
  }

  /** PostgreSQL takes the batch as thirteen arrays (unnest) rather than twelve thousand parameters. */
  private async insertPostgres(db: Kysely<Database>, rows: ScanRow[]): Promise<Set<string>> {
    const column = <K extends keyof ScanRow>(key: K) => rows.map((r) => r[key]);
    const result = await sql<{ id: string; scanned_at: number }>`
      insert into scans (id, device_id, scan_id, venue_id, resident_id, scanned_at, colour, admitted, reason, method, received_at, time_flag, issuer)
      select * from unnest(
        ${column('id')}::text[], ${column('device_id')}::text[], ${column('scan_id')}::text[], ${column('venue_id')}::text[],
        ${column('resident_id')}::text[], ${column('scanned_at')}::bigint[], ${column('colour')}::text[], ${column('admitted')}::int[],
        ${column('reason')}::text[], ${column('method')}::text[], ${column('received_at')}::bigint[], ${column('time_flag')}::text[],
        ${rows.map((r) => r.issuer ?? null)}::text[]
      )
      on conflict do nothing
      returning id, scanned_at`.execute(db);
    return new Set(result.rows.map(scanKey));
  }

  withTransaction(trx: Transaction<Database>): ScansStore {
    return new ScansStore(trx, this.engine);
  }

  /** A resident's scans and visits, oldest first: what their data export shows. */
  async ofResident(residentId: string): Promise<Pick<ScanRow, 'scanned_at' | 'venue_id' | 'method' | 'colour' | 'admitted'>[]> {
    return this.db.selectFrom('scans').select(['scanned_at', 'venue_id', 'method', 'colour', 'admitted']).where('resident_id', '=', residentId).orderBy('scanned_at').execute();
  }

  /**
   * Where residents went: scans carry no foreign key (the table is partitioned by day), so deleting
   * an account deletes these explicitly.
   */
  async deleteOfResidents(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('scans').where('resident_id', 'in', ids).execute();
  }

  /** Residents' scans within [from, to], in time order. */
  async visitsOf(residentIds: string[], from: number, to: number): Promise<{ residentId: string; venueId: string; at: number }[]> {
    const rows = await this.db.selectFrom('scans').select(['resident_id', 'venue_id', 'scanned_at']).where('resident_id', 'in', residentIds).where('scanned_at', '>=', from).where('scanned_at', '<=', to).orderBy('scanned_at').execute();
    return rows.map((r) => ({ residentId: r.resident_id!, venueId: r.venue_id, at: r.scanned_at }));
  }

  /** Everyone scanned at a venue within [from, to]: the (venue, time) index serves it. */
  async atVenue(venueId: string, from: number, to: number): Promise<{ residentId: string; at: number }[]> {
    const rows = await this.db.selectFrom('scans').select(['resident_id', 'scanned_at']).where('venue_id', '=', venueId).where('scanned_at', '>=', from).where('scanned_at', '<=', to).where('resident_id', 'is not', null).execute();
    return rows.map((r) => ({ residentId: r.resident_id!, at: r.scanned_at }));
  }

  /** On PostgreSQL, gives the days from `from` to `to` their partitions; nothing to do on SQLite. */
  async prepareDays(from: number, to: number): Promise<void> {
    if (this.engine === 'postgres') await new ScanPartitions(this.db).ensure(from, to);
  }

  /** Deletes what is older than `cutoff`; on PostgreSQL whole past days go by dropping their partition. */
  async deleteBefore(cutoff: number): Promise<number> {
    let dropped = 0;
    if (this.engine === 'postgres') dropped = await new ScanPartitions(this.db).dropBefore(cutoff);
    const rest = await this.db.deleteFrom('scans').where('scanned_at', '<', cutoff).executeTakeFirst();
    return dropped + Number(rest.numDeletedRows);
  }
  /** Scans of codes issued elsewhere (by issuing region), from `since`: visitors at this operator's gates. */
  async visitorsByIssuer(ownIssuers: string[], since: number): Promise<{ issuer: string; scans: number; admitted: number }[]> {
    let query = this.db
      .selectFrom('scans')
      .select((eb) => ['issuer', eb.fn.countAll<number>().as('scans'), eb.fn.sum<number>('admitted').as('admitted')])
      .where('issuer', 'is not', null)
      .where('scanned_at', '>=', since);
    if (ownIssuers.length > 0) query = query.where('issuer', 'not in', ownIssuers);
    const rows = await query.groupBy('issuer').orderBy('issuer').execute();
    return rows.map((r) => ({ issuer: r.issuer!, scans: Number(r.scans), admitted: Number(r.admitted ?? 0) }));
  }
}

const PARTITION_NAME = /^scans_d(\d{4})(\d{2})(\d{2})$/;

/** The scan table's day partitions on PostgreSQL, named scans_dYYYYMMDD by their UTC day. */
export class ScanPartitions {
  constructor(private readonly db: Kysely<Database>) {}

  /** UTC days (as the start of each, epoch ms) that have their own partition. */
  async days(): Promise<number[]> {
    const rows = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      where i.inhparent = to_regclass('scans')`.execute(this.db);
    return rows.rows
      .map((r) => PARTITION_NAME.exec(r.name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      .sort((a, b) => a - b);
  }

  /**
   * Gives each UTC day from `from` to `to` its own partition. Rows of that day already caught by the
   * default partition move into it in the same transaction, so nothing is lost and attaching succeeds.
   */
  async ensure(from: number, to: number): Promise<number> {
    const have = new Set(await this.days());
    let created = 0;
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= to; day += DAY_MS) {
      if (have.has(day)) continue;
      const name = partitionName(day);
      await this.db.transaction().execute(async (trx) => {
        await lockIn('postgres', trx, 'scan partitions');
        if (await sql`select to_regclass(${name}) as r`.execute(trx).then((r) => (r.rows[0] as { r: string | null }).r !== null)) return;
        await sql`create table ${sql.id(name)} (like scans including defaults)`.execute(trx);
        await sql`with moved as (delete from scans_default where scanned_at >= ${day} and scanned_at < ${day + DAY_MS} returning *) insert into ${sql.id(name)} select * from moved`.execute(trx);
        await sql`alter table scans attach partition ${sql.id(name)} for values from (${sql.lit(day)}) to (${sql.lit(day + DAY_MS)})`.execute(trx);
        created += 1;
      });
    }
    return created;
  }

  /** Drops the partitions of days that ended before `cutoff`; returns how many rows went with them. */
  async dropBefore(cutoff: number): Promise<number> {
    let rows = 0;
    for (const day of await this.days()) {
      if (day + DAY_MS > cutoff) continue;
      const name = partitionName(day);
      await this.db.transaction().execute(async (trx) => {
        const counted = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(name)}`.execute(trx);
        rows += counted.rows[0]?.n ?? 0;
        await sql`drop table ${sql.id(name)}`.execute(trx);
      });
    }
    return rows;
  }

}

function partitionName(day: number): string {
  return `scans_d${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}
