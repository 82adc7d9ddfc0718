import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * On SQLite, a scan becomes unique by (device:scanId, scanned_at), as it already is on PostgreSQL
 * (where the partition key must be part of it): the same key on both engines, so a retry, which
 * repeats the time the device recorded, is a duplicate on either. SQLite cannot change a primary
 * key in place; the table is rebuilt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`alter table scans rename to scans_old`.execute(db);
  for (const index of ['scans_venue_time', 'scans_resident_time', 'scans_time']) await sql`drop index if exists ${sql.id(index)}`.execute(db);
  await sql`
    create table scans (
      id text not null,
      device_id text not null,
      scan_id text not null,
      venue_id text not null,
      resident_id text,
      scanned_at bigint not null,
      colour text,
      admitted integer not null,
      reason text not null,
      method text not null,
      received_at bigint not null,
      primary key (id, scanned_at)
    )`.execute(db);
  await sql`insert into scans select * from scans_old`.execute(db);
  await sql`drop table scans_old`.execute(db);
  await sql`create index scans_venue_time on scans (venue_id, scanned_at)`.execute(db);
  await sql`create index scans_resident_time on scans (resident_id, scanned_at)`.execute(db);
  await sql`create index scans_time on scans (scanned_at)`.execute(db);
}

export async function down(): Promise<void> {
  // The old key (id alone) cannot hold rows that differ only in time; there is no way back.
}
