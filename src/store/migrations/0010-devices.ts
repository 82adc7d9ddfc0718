import { sql, type Kysely } from 'kysely';

/**
 * Devices a resident stays signed in on: a long-lived, rotating refresh credential (kept as a keyed
 * digest) that opens short sessions, so nobody signs in by SMS again at a gate. Sessions opened
 * through a device name it, so ending the device ends them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('refresh_digest', 'text', (c) => c.notNull())
    .addColumn('previous_digest', 'text')
    .addColumn('rotated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('devices_resident').on('devices').column('resident_id').execute();
  await db.schema.alterTable('sessions').addColumn('device_id', 'text').execute();
  await db.schema.createIndex('sessions_device').on('sessions').column('device_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_device').execute();
  await sql`alter table sessions drop column device_id`.execute(db);
  await db.schema.dropTable('devices').execute();
}
