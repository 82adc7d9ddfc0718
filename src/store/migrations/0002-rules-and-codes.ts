import type { Kysely } from 'kysely';

/** Rule sets, authority data, check-ins, decisions, signing keys and staff credentials. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rule_sets')
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_sets_pk', ['region', 'version'])
    .execute();

  await db.schema
    .createTable('risk_areas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_to', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('authority_facts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('authority_facts_resident').on('authority_facts').column('resident_id').execute();

  await db.schema
    .createTable('travel_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('arrival', 'bigint', (c) => c.notNull())
    .addColumn('departure', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('carrier_ref', 'text')
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('travel_records_resident').on('travel_records').column('resident_id').execute();
  await db.schema.createIndex('travel_records_region').on('travel_records').columns(['region_code', 'arrival']).execute();
  await db.schema.createIndex('travel_records_country').on('travel_records').columns(['country_code', 'arrival']).execute();
  await db.schema.createIndex('declaration_stays_country').on('declaration_stays').columns(['country_code', 'arrival']).execute();

  await db.schema
    .createTable('check_ins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('temperature', 'double precision')
    .addColumn('symptoms', 'text', (c) => c.notNull())
    .addUniqueConstraint('check_ins_one_a_day', ['resident_id', 'local_date'])
    .execute();

  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('mark', 'text')
    .addColumn('rule_set_region', 'text', (c) => c.notNull())
    .addColumn('rule_set_version', 'integer', (c) => c.notNull())
    .addColumn('fired', 'text', (c) => c.notNull())
    .addColumn('green_on', 'bigint')
    .addColumn('cause', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_resident_time').on('decisions').columns(['resident_id', 'decided_at']).execute();

  await db.schema
    .createTable('resident_status')
    .addColumn('resident_id', 'text', (c) => c.primaryKey().references('residents.id').onDelete('cascade'))
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('mark', 'text')
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addColumn('green_on', 'bigint')
    .addColumn('rule_set_region', 'text', (c) => c.notNull())
    .addColumn('rule_set_version', 'integer', (c) => c.notNull())
    .addColumn('fired_ids', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resident_status_green_on').on('resident_status').column('green_on').execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['staff_tokens', 'signing_keys', 'resident_status', 'decisions', 'check_ins', 'travel_records', 'authority_facts', 'risk_areas', 'rule_sets']) {
    await db.schema.dropTable(t).execute();
  }
}
