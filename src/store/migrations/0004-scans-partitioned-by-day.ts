import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * On PostgreSQL the scan table becomes partitioned by day (on `scanned_at`), so retention drops whole
 * days instead of deleting rows one by one. A partitioned table's unique key must hold the partition
 * key, so a scan is unique by (device:scanId, scanned_at); a retry carries the time the device
 * recorded, so it lands on the same row. Rows outside every day partition go to a default partition
 * until `ScanPartitions.ensure` gives their day its own. SQLite keeps its plain table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table scans rename to scans_unpartitioned`.execute(db);
  await sql`alter index scans_venue_time rename to scans_unpartitioned_venue_time`.execute(db);
  await sql`alter index scans_resident_time rename to scans_unpartitioned_resident_time`.execute(db);
  await sql`alter index scans_time rename to scans_unpartitioned_time`.execute(db);
  await sql`alter table scans_unpartitioned rename constraint scans_pkey to scans_unpartitioned_pkey`.execute(db);
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
    ) partition by range (scanned_at)`.execute(db);
  await sql`create index scans_venue_time on scans (venue_id, scanned_at)`.execute(db);
  await sql`create index scans_resident_time on scans (resident_id, scanned_at)`.execute(db);
  await sql`create table scans_default partition of scans default`.execute(db);
  await sql`insert into scans select * from scans_unpartitioned`.execute(db);
  await sql`drop table scans_unpartitioned`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table scans rename to scans_partitioned`.execute(db);
  await sql`create table scans (like scans_partitioned including defaults)`.execute(db);
  await sql`insert into scans select * from scans_partitioned`.execute(db);
  await sql`drop table scans_partitioned`.execute(db);
}
