import { sql, type Kysely } from 'kysely';

/**
 * One country, many operators. Signing keys gain a purpose (a region's codes, or the operator's own
 * identity that signs its trust list, fact bundles and grants; the hub's key that signs the national
 * list) and can be revoked. A hub keeps its members, what it last verified of each and the lists it
 * published; a member keeps the last national list it verified. A home operator keeps the one-time
 * grants its residents gave to other operators; a destination links a visitor to their home.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('purpose', 'text', (c) => c.notNull().defaultTo('code')).execute();
  await db.schema.alterTable('signing_keys').addColumn('revoked_at', 'bigint').execute();
  await db.schema.alterTable('scans').addColumn('issuer', 'text').execute();

  await db.schema
    .createTable('federation_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('regions', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('operator_key', 'text')
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('list_generated_at', 'bigint')
    .addColumn('list_expires_at', 'bigint')
    .addColumn('keys', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('revoked', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  await db.schema
    .createTable('national_lists')
    .addColumn('sequence', 'bigint', (c) => c.primaryKey())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('national_list_cache')
    .addColumn('hub_url', 'text', (c) => c.primaryKey())
    .addColumn('hub_key', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('document', 'text')
    .addColumn('fetched_at', 'bigint')
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();

  await db.schema
    .createTable('fact_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id').onDelete('cascade'))
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('fact_grants_resident').on('fact_grants').column('resident_id').execute();

  await db.schema
    .createTable('visitor_links')
    .addColumn('resident_id', 'text', (c) => c.primaryKey().references('residents.id').onDelete('cascade'))
    .addColumn('home_operator', 'text', (c) => c.notNull())
    .addColumn('home_subject', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addColumn('bundle_issued_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visitor_links_home').on('visitor_links').columns(['home_operator', 'home_subject']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['visitor_links', 'fact_grants', 'national_list_cache', 'national_lists', 'federation_members']) await db.schema.dropTable(table).execute();
  await sql`alter table scans drop column issuer`.execute(db);
  for (const column of ['revoked_at', 'purpose']) await sql`alter table signing_keys drop column ${sql.ref(column)}`.execute(db);
}
