import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.js';
import type { ChangeFeed } from './change-feed.js';
import type { Database, SigningKeysTable } from './schema.js';

const context = (kid: string) => `signing-key:${kid}`;

/** Signing keys per region; the private key is encrypted under the data key, bound to its key id. */
export class SigningKeysStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    private readonly changes: ChangeFeed,
  ) {}

  async activeKid(region: string): Promise<string | undefined> {
    return (await this.db.selectFrom('signing_keys').select('kid').where('region', '=', region).where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst())?.kid;
  }

  /** The PKCS #8 private key of `kid`, decrypted. */
  async privateKey(kid: string): Promise<Buffer> {
    const row = await this.db.selectFrom('signing_keys').select(['kid', 'private_key_enc']).where('kid', '=', kid).executeTakeFirstOrThrow();
    return Buffer.from(this.cipher.decrypt(row.private_key_enc, context(row.kid)), 'base64');
  }

  async insert(k: { kid: string; region: string; publicKey: string; privatePkcs8: Buffer; now: number }): Promise<void> {
    await this.changes.commit(this.db, { kind: 'keys' }, (trx) =>
      trx
      .insertInto('signing_keys')
      .values({ kid: k.kid, region: k.region, public_key: k.publicKey, private_key_enc: this.cipher.encrypt(k.privatePkcs8.toString('base64'), context(k.kid)), created_at: k.now, retired_at: null })
      .execute(),
    );
  }

  /** Retires the region's active keys; returns their ids. */
  async retireActive(region: string, now: number): Promise<string[]> {
    return this.changes.commit(this.db, { kind: 'keys' }, async (trx) => {
      const retired = await trx.updateTable('signing_keys').set({ retired_at: now }).where('region', '=', region).where('retired_at', 'is', null).returning('kid').execute();
      return retired.map((r) => r.kid);
    });
  }

  /** Active keys, and keys retired after `retiredAfter`, by region and age. */
  async trusted(retiredAfter: number): Promise<Omit<Selectable<SigningKeysTable>, 'private_key_enc'>[]> {
    return this.db
      .selectFrom('signing_keys')
      .select(['kid', 'region', 'public_key', 'created_at', 'retired_at'])
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
      .orderBy('region')
      .orderBy('created_at')
      .execute();
  }

  /** Any key ever used, retired or not: place codes stay printed on walls. */
  async publicKey(kid: string): Promise<string | undefined> {
    return (await this.db.selectFrom('signing_keys').select('public_key').where('kid', '=', kid).executeTakeFirst())?.public_key;
  }
}
