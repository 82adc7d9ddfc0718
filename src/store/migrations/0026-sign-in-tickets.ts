import type { Kysely } from 'kysely';

/**
 * A code's attempts split by who guesses: its asker, who shows the request ticket the code was sent
 * with (`attempts`), and everyone else together (`stranger_attempts`), so that strangers' wrong guesses
 * can no longer use up the tries of the one who asked. Codes made before hold no ticket: only
 * strangers' attempts are left to them, and they live five minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_codes').addColumn('ticket_digest', 'text').execute();
  await db.schema.alterTable('sign_in_codes').addColumn('stranger_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_codes').dropColumn('stranger_attempts').execute();
  await db.schema.alterTable('sign_in_codes').dropColumn('ticket_digest').execute();
}
