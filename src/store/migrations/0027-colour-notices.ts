import type { Kysely } from 'kysely';

/**
 * Whoever holds the phone for a resident is told of every change of their colour. A notice is
 * queued in the transaction that records the change (so a crash after it cannot lose it) and sent
 * from this table, claimed for a while by the process sending it (so two never send it both).
 * It holds what the text says (the colour, the rules as decided, the date to green), never a phone:
 * whose phone it goes to is read when it is sent, so a phone replaced since is not texted.
 *
 * An appeal upheld leads to a correction a second officer approves or rejects: the appeal names it,
 * and the colour the resident asked for, which the officer's proposal starts from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('colour_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('colour', 'text', (c) => c.notNull())
    /** The rules that fired (JSON), as in `decisions.fired`. */
    .addColumn('fired', 'text', (c) => c.notNull())
    .addColumn('green_on', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('recipients', 'integer')
    .execute();
  await db.schema.createIndex('colour_notices_unsent').on('colour_notices').columns(['sent_at', 'created_at']).execute();
  await db.schema.createIndex('colour_notices_resident').on('colour_notices').column('resident_id').execute();
  await db.schema.alterTable('appeals').addColumn('correction_id', 'text').execute();
  await db.schema.alterTable('appeals').addColumn('colour_asked', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('appeals').dropColumn('colour_asked').execute();
  await db.schema.alterTable('appeals').dropColumn('correction_id').execute();
  await db.schema.dropTable('colour_notices').execute();
}
