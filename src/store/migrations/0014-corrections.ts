import { sql, type Kysely } from 'kysely';

/**
 * Corrections: one resident's colour set by an authority, with a published reason, a note, an
 * expiry and a second authority's approval. Appeals get a deadline and a mark once escalated.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('corrections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('ended_by', 'text')
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema.createIndex('corrections_resident').on('corrections').columns(['resident_id', 'status']).execute();
  await db.schema.createIndex('corrections_status_time').on('corrections').columns(['status', 'proposed_at']).execute();
  await db.schema.alterTable('appeals').addColumn('due_at', 'bigint').execute();
  await db.schema.alterTable('appeals').addColumn('escalated_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('corrections').execute();
  for (const column of ['escalated_at', 'due_at']) await sql`alter table appeals drop column ${sql.ref(column)}`.execute(db);
}
