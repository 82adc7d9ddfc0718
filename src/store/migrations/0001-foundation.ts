import type { Kysely } from 'kysely';

/** Residents, households, declarations, sign-in, outbox and venues. Types chosen to mean the same on SQLite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('residents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('id_index', 'text', (c) => c.notNull().unique())
    .addColumn('identity_enc', 'text', (c) => c.notNull())
    .addColumn('name_enc', 'text', (c) => c.notNull())
    .addColumn('phone_index', 'text', (c) => c.unique())
    .addColumn('phone_enc', 'text')
    .addColumn('address_region', 'text', (c) => c.notNull())
    .addColumn('address_enc', 'text', (c) => c.notNull())
    .addColumn('phone_verified_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('residents_address_region').on('residents').column('address_region').execute();

  await db.schema
    .createTable('guardianships')
    .addColumn('guardian_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('dependent_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guardianships_pk', ['guardian_id', 'dependent_id'])
    .execute();
  await db.schema.createIndex('guardianships_dependent').on('guardianships').column('dependent_id').execute();

  await db.schema
    .createTable('declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('declared_at', 'bigint', (c) => c.notNull())
    .addColumn('symptoms', 'text', (c) => c.notNull())
    .addColumn('contacts', 'text', (c) => c.notNull())
    .addColumn('temperature', 'double precision')
    .execute();
  await db.schema.createIndex('declarations_resident_time').on('declarations').columns(['resident_id', 'declared_at']).execute();

  await db.schema
    .createTable('declaration_stays')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('declaration_id', 'text', (c) => c.notNull().references('declarations.id').onDelete('cascade'))
    .addColumn('resident_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('region_code', 'text')
    .addColumn('country_code', 'text')
    .addColumn('arrival', 'bigint', (c) => c.notNull())
    .addColumn('departure', 'bigint')
    .execute();
  await db.schema.createIndex('declaration_stays_declaration').on('declaration_stays').column('declaration_id').execute();
  // Re-deciding everyone who was in a newly listed risk area starts from this index.
  await db.schema.createIndex('declaration_stays_region').on('declaration_stays').columns(['region_code', 'arrival']).execute();
  await db.schema.createIndex('declaration_stays_resident').on('declaration_stays').column('resident_id').execute();

  await db.schema
    .createTable('sign_in_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_index', 'text', (c) => c.notNull())
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('sign_in_codes_phone_time').on('sign_in_codes').columns(['phone_index', 'created_at']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_resident').on('sessions').column('resident_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient_index', 'text', (c) => c.notNull())
    .addColumn('recipient_enc', 'text', (c) => c.notNull())
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_created').on('outbox').column('created_at').execute();
  await db.schema.createIndex('outbox_recipient').on('outbox').columns(['recipient_index', 'created_at']).execute();

  await db.schema
    .createTable('venues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venues_region').on('venues').column('region_code').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['venues', 'outbox', 'sessions', 'sign_in_codes', 'declaration_stays', 'declarations', 'guardianships', 'residents']) {
    await db.schema.dropTable(table).execute();
  }
}
