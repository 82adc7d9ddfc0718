import type { Kysely } from 'kysely';

/**
 * A count of the writes to a resident's facts, raised in the transaction of every such write: a
 * re-decision saves only where the count is still the one it read before reading the facts, so a
 * colour computed from facts that changed meanwhile is never stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('residents').addColumn('facts_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('residents').dropColumn('facts_version').execute();
}
