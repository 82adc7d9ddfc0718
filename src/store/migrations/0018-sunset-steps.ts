import type { Kysely } from 'kysely';

/**
 * A sunset's run as steps, each committed before the next begins, so that a crash at any point
 * leaves a state the next run resumes from: what the data step deleted, and which district keys
 * (by id) it is to destroy, are kept in the row before any key is touched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sunsets').addColumn('deleted', 'text').execute();
  await db.schema.alterTable('sunsets').addColumn('keys', 'text').execute();
  await db.schema.alterTable('sunsets').addColumn('erased_at', 'bigint').execute();
  await db.schema.alterTable('sunsets').addColumn('keys_destroyed_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['keys_destroyed_at', 'erased_at', 'keys', 'deleted']) await db.schema.alterTable('sunsets').dropColumn(column).execute();
}
