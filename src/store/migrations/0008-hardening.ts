import { sql, type Kysely } from 'kysely';

/**
 * What hardening the service needs stored, each item closing a way in or a way to lose data:
 * - the data key's check value, so a server given another key refuses to start;
 * - identity: when staff checked a document in person, when a reclaim took it from an account, and
 *   the reclaims themselves, the claimant's registration encrypted;
 * - venues tied to the staff credential that operates them;
 * - a device's last contact, which bounds the scan times it may claim;
 * - why a scan's time was flagged;
 * - the re-decision outbox, written in the same transaction as the facts that need it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('data_key_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('check_value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('residents').addColumn('identity_checked_at', 'bigint').execute();
  await db.schema.alterTable('residents').addColumn('identity_revoked_at', 'bigint').execute();
  await db.schema
    .createTable('identity_reclaims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('id_index', 'text', (c) => c.notNull())
    .addColumn('claim_enc', 'text', (c) => c.notNull())
    .addColumn('guardian_id', 'text', (c) => c.references('residents.id').onDelete('cascade'))
    .addColumn('relationship', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('method', 'text')
    .addColumn('resident_id', 'text')
    .execute();
  await db.schema.createIndex('identity_reclaims_status').on('identity_reclaims').columns(['status', 'created_at']).execute();

  // Counting what one actor did recently (a device's ID-number checks) without reading the whole log.
  await db.schema.createIndex('audit_log_actor_time').on('audit_log').columns(['actor', 'at']).execute();

  await db.schema.alterTable('venues').addColumn('operator_staff_id', 'text').execute();
  await db.schema.alterTable('checkpoint_devices').addColumn('last_contact_at', 'bigint').execute();
  await db.schema.alterTable('checkpoint_devices').addColumn('contact_run_started_at', 'bigint').execute();
  await db.schema.alterTable('checkpoint_devices').addColumn('contact_before_run_at', 'bigint').execute();
  await sql`update checkpoint_devices set last_contact_at = created_at, contact_run_started_at = created_at, contact_before_run_at = created_at`.execute(db);
  await sql`alter table scans add column time_flag text`.execute(db);

  await db.schema
    .createTable('redecision_queue')
    .addColumn('resident_id', 'text', (c) => c.primaryKey())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('redecision_queue').execute();
  await sql`alter table scans drop column time_flag`.execute(db);
  await db.schema.alterTable('checkpoint_devices').dropColumn('contact_before_run_at').execute();
  await db.schema.alterTable('checkpoint_devices').dropColumn('contact_run_started_at').execute();
  await db.schema.alterTable('checkpoint_devices').dropColumn('last_contact_at').execute();
  await db.schema.alterTable('venues').dropColumn('operator_staff_id').execute();
  await db.schema.dropIndex('audit_log_actor_time').execute();
  await db.schema.dropTable('identity_reclaims').execute();
  await db.schema.alterTable('residents').dropColumn('identity_revoked_at').execute();
  await db.schema.alterTable('residents').dropColumn('identity_checked_at').execute();
  await db.schema.dropTable('data_key_check').execute();
}
