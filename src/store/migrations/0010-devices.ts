import { sql, type Kysely } from 'kysely';

/**
 * Checkpoint devices paired by a scanned one-time code (below), and devices a resident stays signed in on: a long-lived, rotating refresh credential (kept as a keyed
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
  // A checkpoint device is paired by scanning a one-time code, exchanged for a fresh credential.
  await db.schema.alterTable('checkpoint_devices').addColumn('pairing_digest', 'text').execute();
  await db.schema.alterTable('checkpoint_devices').addColumn('pairing_expires_at', 'bigint').execute();
  await db.schema.createIndex('checkpoint_devices_pairing').on('checkpoint_devices').column('pairing_digest').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('checkpoint_devices_pairing').execute();
  for (const column of ['pairing_expires_at', 'pairing_digest']) await sql`alter table checkpoint_devices drop column ${sql.ref(column)}`.execute(db);
  await db.schema.dropIndex('sessions_device').execute();
  await sql`alter table sessions drop column device_id`.execute(db);
  await db.schema.dropTable('devices').execute();
}
