import type { Kysely } from 'kysely';

/**
 * A venue type's entry policy may require an offline code's colour to have been decided within so
 * many minutes (a hospital refusing a pass decided ten hours ago); null requires nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('entry_policies').addColumn('decided_within_minutes', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('entry_policies').dropColumn('decided_within_minutes').execute();
}
