import { sql, type Kysely } from 'kysely';

/**
 * Paper cards for people without a phone: a random id (the QR carries it under a MAC), whose card it
 * is, when it was issued and lapses, who issued it, and whether it was revoked. At most one card of
 * a resident is unrevoked: printing again revokes the one before, and the partial unique index
 * holds that even if two prints race past the lock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('paper_cards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    /** Who printed it, as the access log names them ("resident:…", a staff member). */
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .execute();
  await db.schema.createIndex('paper_cards_one_live').on('paper_cards').column('resident_id').unique().where(sql.ref('revoked_at'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('paper_cards').execute();
}
