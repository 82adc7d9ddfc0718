import type { Kysely } from 'kysely';

/**
 * The script a resident's texts are written in (zh-CN Simplified, zh-Hant Traditional), remembered
 * from the one-time code they last used, asked for from the app in the language it shows; each code
 * keeps the script it was asked in until it is used. Everyone before reads Simplified, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('residents').addColumn('sms_script', 'text', (c) => c.notNull().defaultTo('zh-CN')).execute();
  await db.schema.alterTable('sign_in_codes').addColumn('sms_script', 'text', (c) => c.notNull().defaultTo('zh-CN')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_codes').dropColumn('sms_script').execute();
  await db.schema.alterTable('residents').dropColumn('sms_script').execute();
}
