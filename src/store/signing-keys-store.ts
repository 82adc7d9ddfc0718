import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.js';
import type { ChangeFeed } from './change-feed.js';
import type { Database, SigningKeysTable } from './schema.js';

const context = (kid: string) => `signing-key:${kid}`;

/** What a key signs: a region's codes and place codes, this operator's documents, or the hub's national list. */
export type KeyPurpose = 'code' | 'operator' | 'hub';

/** Signing keys per region; the private key is encrypted under the data key, bound to its key id. */
export class SigningKeysStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    private readonly changes: ChangeFeed,
  ) {}

  /** The active key of a region's codes, or of this operator's or hub's own signature (region: the operator id). */
  async activeKid(region: string, purpose: KeyPurpose = 'code'): Promise<string | undefined> {
    return (
      await this.db
        .selectFrom('signing_keys')
        .select('kid')
        .where('region', '=', region)
        .where('purpose', '=', purpose)
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst()
    )?.kid;
  }

  /** The PKCS #8 private key of `kid`, decrypted. */
  async privateKey(kid: string): Promise<Buffer> {
    const row = await this.db.selectFrom('signing_keys').select(['kid', 'private_key_enc']).where('kid', '=', kid).executeTakeFirstOrThrow();
    return Buffer.from(this.cipher.decrypt(row.private_key_enc, context(row.kid)), 'base64');
  }

  async insert(k: { kid: string; region: string; publicKey: string; privatePkcs8: Buffer; now: number; purpose?: KeyPurpose }): Promise<void> {
    await this.changes.commit(this.db, { kind: 'keys' }, (trx) =>
      trx
        .insertInto('signing_keys')
        .values({
          kid: k.kid,
          region: k.region,
          purpose: k.purpose ?? 'code',
          public_key: k.publicKey,
          private_key_enc: this.cipher.encrypt(k.privatePkcs8.toString('base64'), context(k.kid)),
          created_at: k.now,
          retired_at: null,
        })
        .execute(),
    );
  }

  /**
   * Revokes a code key: it signs nothing more and is distrusted at once, here and, through the trust
   * lists, everywhere. Returns its region, or undefined for a key that is not a code key of ours.
   */
  async revoke(kid: string, now: number): Promise<{ region: string; alreadyRevoked: boolean } | undefined> {
    return this.changes.commit(this.db, { kind: 'keys' }, async (trx) => {
      const row = await trx.selectFrom('signing_keys').select(['region', 'revoked_at']).where('kid', '=', kid).where('purpose', '=', 'code').executeTakeFirst();
      if (!row) return undefined;
      if (row.revoked_at !== null) return { region: row.region, alreadyRevoked: true };
      await trx
        .updateTable('signing_keys')
        .set((eb) => ({ revoked_at: now, retired_at: eb.fn.coalesce('retired_at', eb.val(now)) }))
        .where('kid', '=', kid)
        .execute();
      return { region: row.region, alreadyRevoked: false };
    });
  }

  /** Code keys revoked after `since`, to announce in the trust list. */
  async revoked(since: number): Promise<{ kid: string; region: string; revoked_at: number }[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .select(['kid', 'region', 'revoked_at'])
      .where('purpose', '=', 'code')
      .where('revoked_at', '>', since)
      .orderBy('revoked_at')
      .execute();
    return rows.map((r) => ({ kid: r.kid, region: r.region, revoked_at: r.revoked_at! }));
  }

  /** Retires the region's (or the operator's hub key's) active keys of one purpose; returns their ids. */
  async retireActive(region: string, now: number, purpose: KeyPurpose = 'code'): Promise<string[]> {
    return this.changes.commit(this.db, { kind: 'keys' }, async (trx) => {
      const retired = await trx
        .updateTable('signing_keys')
        .set({ retired_at: now })
        .where('region', '=', region)
        .where('purpose', '=', purpose)
        .where('retired_at', 'is', null)
        .returning('kid')
        .execute();
      return retired.map((r) => r.kid);
    });
  }

  /** Active keys, and keys retired after `retiredAfter`, by region and age. */
  async trusted(retiredAfter: number): Promise<Pick<Selectable<SigningKeysTable>, 'kid' | 'region' | 'public_key' | 'created_at' | 'retired_at'>[]> {
    return this.db
      .selectFrom('signing_keys')
      .select(['kid', 'region', 'public_key', 'created_at', 'retired_at'])
      .where('purpose', '=', 'code')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
      .orderBy('region')
      .orderBy('created_at')
      .execute();
  }

  /** Any code key ever used, retired or not (revoked ones excepted): place codes stay printed on walls. */
  async publicKey(kid: string): Promise<string | undefined> {
    return (await this.db.selectFrom('signing_keys').select('public_key').where('kid', '=', kid).where('purpose', '=', 'code').where('revoked_at', 'is', null).executeTakeFirst())?.public_key;
  }
}
