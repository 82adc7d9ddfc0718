import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Check-ins are kept as taken, several a day: a resident who measures again later the same day adds
 * a reading beside the first instead of being refused, and the day counts as clean only if every
 * reading was (so a later 36.5 cannot hide an earlier fever). The one-a-day unique key goes; an
 * index on the same columns stays for the day's lookups. SQLite cannot drop a constraint in place;
 * the table is rebuilt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table check_ins drop constraint check_ins_one_a_day`.execute(db);
  } else {
    await sql`alter table check_ins rename to check_ins_old`.execute(db);
    await sql`
      create table check_ins (
        id text primary key,
        resident_id text not null references residents (id) on delete cascade,
        local_date text not null,
        at bigint not null,
        temperature double precision,
        symptoms text not null
      )`.execute(db);
    await sql`insert into check_ins (id, resident_id, local_date, at, temperature, symptoms) select id, resident_id, local_date, at, temperature, symptoms from check_ins_old`.execute(db);
    await sql`drop table check_ins_old`.execute(db);
  }
  await sql`create index check_ins_resident_day on check_ins (resident_id, local_date)`.execute(db);
}

export async function down(): Promise<void> {
  // One a day cannot hold the days with several readings; there is no way back.
}
