import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const ROW_ID = 'data-key';

/** The one row that records which data key the database's personal data is encrypted under. */
export class DataKeyCheckStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<{ keyId: string; checkValue: string } | undefined> {
    const row = await this.db.selectFrom('data_key_check').select(['key_id', 'check_value']).where('id', '=', ROW_ID).executeTakeFirst();
    return row && { keyId: row.key_id, checkValue: row.check_value };
  }

  /** Records the key; a concurrent first start that recorded one already wins, and is returned. */
  async record(check: { keyId: string; checkValue: string }, now: number): Promise<{ keyId: string; checkValue: string }> {
    await this.db
      .insertInto('data_key_check')
      .values({ id: ROW_ID, key_id: check.keyId, check_value: check.checkValue, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return (await this.get())!;
  }
}
