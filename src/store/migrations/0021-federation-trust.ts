import { sql, type Kysely } from 'kysely';

/**
 * Promises between operators, held by the database. Each region is served by one member: a unique
 * key on the region, so two registrations racing for one cannot both win. Each key id the hub ever
 * took belongs to the one member that published it: a unique key on the kid, so a member cannot
 * publish another's kid, and the hub knows whose keys a revocation may name. A member's status can
 * carry a notice (revocations it was not allowed to make). Filled from what the hub holds already;
 * where the old check-then-insert let two members register one region, the first registered keeps it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('federation_member_regions')
    .addColumn('region', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('federation_members.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('federation_member_regions_member').on('federation_member_regions').column('member_id').execute();
  await db.schema
    .createTable('federation_member_kids')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('federation_members.id').onDelete('cascade'))
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('federation_member_kids_member').on('federation_member_kids').column('member_id').execute();
  await db.schema.alterTable('federation_members').addColumn('notice', 'text').execute();

  const members = await sql<{ id: string; regions: string; keys: string; added_at: number }>`select id, regions, keys, added_at from federation_members order by added_at, id`.execute(db);
  for (const m of members.rows) {
    for (const region of JSON.parse(m.regions) as string[]) {
      await sql`insert into federation_member_regions (region, member_id) values (${region}, ${m.id}) on conflict (region) do nothing`.execute(db);
    }
    for (const key of JSON.parse(m.keys) as { kid: string }[]) {
      await sql`insert into federation_member_kids (kid, member_id, first_seen_at) values (${key.kid}, ${m.id}, ${Number(m.added_at)}) on conflict (kid) do nothing`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('federation_member_kids').execute();
  await db.schema.dropTable('federation_member_regions').execute();
  await sql`alter table federation_members drop column notice`.execute(db);
}
