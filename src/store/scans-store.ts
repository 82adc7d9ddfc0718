import { sql, type Kysely } from 'kysely';
import { DAY_MS } from '../domain/clock.js';
import type { Engine } from './database.js';
import type { Database, ScansTable } from './schema.js';

export type ScanRow = ScansTable;

/** A retry of a scan id within this long of the stored one is the same scan. */
const SAME_SCAN_WITHIN_MS = DAY_MS;

/** Every scan and place-code visit, stored exactly once. */
export class ScansStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  /**
   * Inserts the rows whose id is not yet stored, in one statement, and returns the ids it stored.
   * A batch's own repeats count once. The probe by id makes a retry a duplicate even when its time
   * differs (a place-code visit is timed by the server), and `on conflict do nothing` settles a race
   * between two retries arriving at once.
   */
  async insertNew(rows: ScanRow[]): Promise<Set<string>> {
    const unique = [...new Map(rows.map((r) => [r.id, r] as const)).values()];
    if (unique.length === 0) return new Set();
    if (this.engine === 'postgres') return this.insertNewPostgres(unique);
    const times = unique.map((r) => r.scanned_at);
    const existing = await this.db
      .selectFrom('scans')
      .select('id')
      .where(
        'id',
        'in',
        unique.map((r) => r.id),
      )
      .where('scanned_at', '>=', Math.min(...times) - SAME_SCAN_WITHIN_MS)
      .where('scanned_at', '<=', Math.max(...times) + SAME_SCAN_WITHIN_MS)
      .execute();
    const known = new Set(existing.map((r) => r.id));
    const fresh = unique.filter((r) => !known.has(r.id));
    if (fresh.length === 0) return new Set();
    const inserted = await this.db
      .insertInto('scans')
      .values(fresh)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    return new Set(inserted.map((r) => r.id));
  }

  /**
   * The same on PostgreSQL in one round trip: the batch goes as eleven arrays (unnest) instead of
   * eleven thousand parameters, and each row's probe reaches only the day partitions within a day
   * of its own time.
   */
  private async insertNewPostgres(rows: ScanRow[]): Promise<Set<string>> {
    const column = <K extends keyof ScanRow>(key: K) => rows.map((r) => r[key]);
    const result = await sql<{ id: string }>`
      insert into scans (id, device_id, scan_id, venue_id, resident_id, scanned_at, colour, admitted, reason, method, received_at)
      select u.* from unnest(
        ${column('id')}::text[], ${column('device_id')}::text[], ${column('scan_id')}::text[], ${column('venue_id')}::text[],
        ${column('resident_id')}::text[], ${column('scanned_at')}::bigint[], ${column('colour')}::text[], ${column('admitted')}::int[],
        ${column('reason')}::text[], ${column('method')}::text[], ${column('received_at')}::bigint[]
      ) as u(id, device_id, scan_id, venue_id, resident_id, scanned_at, colour, admitted, reason, method, received_at)
      where not exists (
        select 1 from scans s
        where s.id = u.id and s.scanned_at between u.scanned_at - ${SAME_SCAN_WITHIN_MS}::bigint and u.scanned_at + ${SAME_SCAN_WITHIN_MS}::bigint
      )
      on conflict do nothing
      returning id`.execute(this.db);
    return new Set(result.rows.map((r) => r.id));
  }

  /** Deletes what is older than `cutoff`; on PostgreSQL whole past days go by dropping their partition. */
  async deleteBefore(cutoff: number): Promise<number> {
    let dropped = 0;
    if (this.engine === 'postgres') dropped = await new ScanPartitions(this.db).dropBefore(cutoff);
    const rest = await this.db.deleteFrom('scans').where('scanned_at', '<', cutoff).executeTakeFirst();
    return dropped + Number(rest.numDeletedRows);
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
        await sql`select pg_advisory_xact_lock(hashtext('healthcode scan partitions ' || current_schema()))`.execute(trx);
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
