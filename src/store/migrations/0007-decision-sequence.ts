import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Decisions get a sequence number in the order they were recorded. Two decisions for one resident
 * can share a millisecond (a risk area and an import at once); "the latest" must still be one of
 * them, for the history a resident reads and for the counts on the dashboard.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // bigserial numbers the existing rows too, in their physical order, which is insertion order here.
    await sql`alter table decisions add column seq bigserial`.execute(db);
  } else {
    await sql`alter table decisions add column seq integer`.execute(db);
    await sql`update decisions set seq = rowid`.execute(db);
    await sql`create trigger decisions_seq after insert on decisions begin update decisions set seq = new.rowid where rowid = new.rowid; end`.execute(db);
  }
  await sql`create index decisions_resident_seq on decisions (resident_id, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index decisions_resident_seq`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) await sql`drop trigger decisions_seq`.execute(db);
  await sql`alter table decisions drop column seq`.execute(db);
}
