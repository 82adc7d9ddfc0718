import { sql, type Kysely } from 'kysely';

/**
 * Every refresh credential a remembered device has spent, not only the last: a thief who refreshed
 * twice, or a phone that comes back within seconds of the thief, still shows one of them, and any one
 * shown again ends the device (refresh-token reuse detection, RFC 9700 §4.14.2). And staff get the
 * region they answer for: a district's officers correct that district's residents, not a city's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_spent_credentials')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('spent_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_spent_credentials_device').on('device_spent_credentials').column('device_id').execute();
  await sql`insert into device_spent_credentials (digest, device_id, spent_at)
            select previous_digest, id, rotated_at from devices where previous_digest is not null`.execute(db);
  await db.schema.alterTable('devices').dropColumn('previous_digest').execute();
  // Null: the whole of this operator's regions, as every credential made before had.
  await db.schema.alterTable('staff_tokens').addColumn('region', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('staff_tokens').dropColumn('region').execute();
  await db.schema.alterTable('devices').addColumn('previous_digest', 'text').execute();
  await db.schema.dropTable('device_spent_credentials').execute();
}
