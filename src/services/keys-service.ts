import { signingKeyFromPkcs8, generateSigningKey, type SigningKey } from '../codes/token-signer.js';
import { CLOCK_SKEW_SECONDS } from '../codes/token-verifier.js';
import { issuerFor } from '../codes/token-format.js';
import { bytesToBase64Url, type TrustList } from '../codes/trust-list.js';
import type { ServiceContext } from './context.js';

/**
 * Signing keys, one active key per issuing region. Rotation retires the old key for signing but keeps
 * it in the trust list until every token it signed has expired.
 */
export class KeysService {
  readonly #active = new Map<string, SigningKey>();

  constructor(private readonly ctx: ServiceContext) {}

  /** The region's active key, created on first use. */
  async activeKey(region: string): Promise<SigningKey> {
    const cached = this.#active.get(region);
    if (cached) return cached;
    const row = await this.ctx.store.db.selectFrom('signing_keys').selectAll().where('region', '=', region).where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    const key = row ? signingKeyFromPkcs8(issuerFor(region), Buffer.from(this.ctx.cipher.decrypt(row.private_key_enc, `signing-key:${row.kid}`), 'base64')) : await this.create(region);
    this.#active.set(region, key);
    return key;
  }

  /** Makes a new key the region's active one; returns the new and the retired key ids. */
  async rotate(region: string): Promise<{ kid: string; retired: string[] }> {
    const now = this.ctx.clock.now().getTime();
    const retired = await this.ctx.store.db.selectFrom('signing_keys').select('kid').where('region', '=', region).where('retired_at', 'is', null).execute();
    await this.ctx.store.db.updateTable('signing_keys').set({ retired_at: now }).where('region', '=', region).where('retired_at', 'is', null).execute();
    this.#active.delete(region);
    const key = await this.create(region);
    this.#active.set(region, key);
    return { kid: key.kid, retired: retired.map((r) => r.kid) };
  }

  private async create(region: string): Promise<SigningKey> {
    const key = generateSigningKey(issuerFor(region));
    await this.ctx.store.db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        region,
        public_key: bytesToBase64Url(key.publicKey),
        private_key_enc: this.ctx.cipher.encrypt(key.privatePkcs8.toString('base64'), `signing-key:${key.kid}`),
        created_at: this.ctx.clock.now().getTime(),
        retired_at: null,
      })
      .execute();
    return key;
  }

  /** Every key a checkpoint should accept now: active ones, and retired ones whose tokens may still be alive. */
  async trustList(): Promise<TrustList> {
    const now = this.ctx.clock.now().getTime();
    const stillAlive = now - (this.ctx.settings.tokenTtlSeconds + CLOCK_SKEW_SECONDS) * 1000;
    const rows = await this.ctx.store.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', stillAlive)]))
      .orderBy('region')
      .orderBy('created_at')
      .execute();
    return {
      version: 1,
      generatedAt: Math.floor(now / 1000),
      keys: rows.map((r) => ({
        kid: r.kid,
        issuer: issuerFor(r.region),
        alg: 'EdDSA',
        crv: 'Ed25519',
        x: r.public_key,
        validFrom: Math.floor(r.created_at / 1000),
        validUntil: r.retired_at === null ? null : Math.floor(r.retired_at / 1000),
      })),
    };
  }
}
