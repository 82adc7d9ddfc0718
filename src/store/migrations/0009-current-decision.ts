import { sql, type Kysely } from 'kysely';

/**
 * Decide on write, read one row: each resident's current decision is kept whole (the rules that
 * fired with their evidence, greenOn), with the masked name and region a code shows, and
 * `valid_until`, the next instant at which time alone could change it. A code view reads this row
 * while it is valid; a sweep re-decides the rows whose instant has passed. Rows written before this
 * have none, and are decided again on first use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('resident_status').addColumn('valid_until', 'bigint').execute();
  await db.schema.alterTable('resident_status').addColumn('decision', 'text').execute();
  await db.schema.alterTable('resident_status').addColumn('masked_name', 'text').execute();
  await db.schema.alterTable('resident_status').addColumn('region', 'text').execute();
  await db.schema.createIndex('resident_status_valid_until').on('resident_status').column('valid_until').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('resident_status_valid_until').execute();
  for (const column of ['region', 'masked_name', 'decision', 'valid_until']) await sql`alter table resident_status drop column ${sql.ref(column)}`.execute(db);
}
