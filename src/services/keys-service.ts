import { signingKeyFromPkcs8, generateSigningKey, type SigningKey } from '../codes/token-signer.js';
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from '../codes/token-verifier.js';
import { DAY_MS } from '../domain/clock.js';
import { issuerFor } from '../codes/token-format.js';
import { bytesToBase64Url, type TrustList } from '../codes/trust-list.js';
import type { ServiceContext } from './context.js';

/**
 * How often a server asks which key is active when its change feed cannot tell it of a rotation
 * made elsewhere (the CLI, another server): within this long, always. Until then it may still sign
 * with the retired key, so the trust list accepts that key's codes issued up to this long after its
 * retirement.
 */
export const KEY_RECHECK_MS = 10_000;

/**
 * Offline scans of a code may be uploaded this long after it was shown (checkpoints-service's
 * MAX_SCAN_AGE_DAYS): a retired key stays trusted for them.
 */
const OFFLINE_UPLOAD_WINDOW_MS = 28 * DAY_MS;

/**
 * Signing keys, one active key per issuing region. Rotation retires the old key for signing but keeps
 * it in the trust list as long as codes it signed may still be shown or uploaded.
 */
export class KeysService {
  readonly #active = new Map<string, { key: SigningKey; checkedAt: number }>();
  /** Counts rotations heard: a key read while one was heard is not kept. */
  #generation = 0;

  constructor(private readonly ctx: ServiceContext) {
    ctx.store.changes.subscribe((change) => {
      if (change.kind !== 'keys' && change.kind !== 'everything') return;
      this.#generation += 1;
      this.#active.clear();
    });
  }

  /** The region's active key, created on first use; asked again after a rotation anywhere (or every KEY_RECHECK_MS). */
  async activeKey(region: string): Promise<SigningKey> {
    const now = this.ctx.clock.now().getTime();
    const heard = this.ctx.store.changes.upToDate();
    const cached = this.#active.get(region);
    if (cached && (heard || now - cached.checkedAt < KEY_RECHECK_MS)) return cached.key;
    const generation = this.#generation;
    const kid = await this.ctx.stores.keys.activeKid(region);
    const key = kid === undefined ? await this.create(region) : cached?.key.kid === kid ? cached.key : signingKeyFromPkcs8(issuerFor(region), await this.ctx.stores.keys.privateKey(kid));
    if (generation === this.#generation || kid === undefined) this.#active.set(region, { key, checkedAt: now });
    return key;
  }

  /** Makes a new key the region's active one; returns the new and the retired key ids. */
  async rotate(region: string): Promise<{ kid: string; retired: string[] }> {
    const now = this.ctx.clock.now().getTime();
    const retired = await this.ctx.stores.keys.retireActive(region, now);
    this.#active.delete(region);
    const key = await this.create(region);
    this.#active.set(region, { key, checkedAt: now });
    return { kid: key.kid, retired };
  }

  private async create(region: string): Promise<SigningKey> {
    const key = generateSigningKey(issuerFor(region));
    await this.ctx.stores.keys.insert({ kid: key.kid, region, publicKey: bytesToBase64Url(key.publicKey), privatePkcs8: key.privatePkcs8, now: this.ctx.clock.now().getTime() });
    return key;
  }

  /**
   * Every key a checkpoint should accept now: active ones, and retired ones whose codes may still be
   * shown or, scanned offline, still be uploaded. A retired key is valid for codes issued up to
   * KEY_RECHECK_MS after its retirement, for servers that had not yet noticed; no code lives longer
   * than MAX_TOKEN_LIFETIME_SECONDS, so a retired key cannot make codes that outlive that.
   */
  async trustList(): Promise<TrustList> {
    const now = this.ctx.clock.now().getTime();
    const stillAlive = now - KEY_RECHECK_MS - (MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) * 1000 - OFFLINE_UPLOAD_WINDOW_MS;
    const rows = await this.ctx.stores.keys.trusted(stillAlive);
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
        validUntil: r.retired_at === null ? null : Math.floor((r.retired_at + KEY_RECHECK_MS) / 1000),
      })),
    };
  }
}
