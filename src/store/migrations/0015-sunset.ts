import type { Kysely } from 'kysely';

/**
 * Sunset: a region's personal data destroyed when its epidemic response ends, after two authority
 * approvals, with a signed destruction report published for anyone to read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sunsets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'bigint')
    .addColumn('done_at', 'bigint')
    .addColumn('report', 'text')
    .addColumn('signed_report', 'text')
    .execute();
  await db.schema.createIndex('sunsets_region').on('sunsets').column('region').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sunsets').execute();
}
