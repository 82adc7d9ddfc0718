import { signDocument, signingKeyFromPkcs8, generateSigningKey, signKeyBinding, type SigningKey } from '../codes/token-signer.js';
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from '../codes/token-verifier.js';
import { DOCUMENT_TYPES } from '../codes/signed-document.js';
import { DAY_MS } from '../domain/clock.js';
import { withinRegions } from '../codes/national-trust-list.js';
import { issuerFor } from '../codes/token-format.js';
import { bytesToBase64Url, type MemberTrustList, type TrustList } from '../codes/trust-list.js';
import type { KeyPurpose } from '../store/signing-keys-store.js';
import { operatorOf, servedRegionFor, type ServiceContext } from './context.js';
import { NotFoundError } from './service-errors.js';

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

/** How long the hub may go on trusting a member's published list without a newer one. */
export const MEMBER_LIST_LIFETIME_MS = 7 * DAY_MS;

/**
 * Signing keys: one active key per served region for its codes, one for this operator's own
 * documents (its trust list, fact bundles, grants) and, on a hub, one for the national list.
 * Rotation retires the old key for signing but keeps it in the trust list as long as codes it signed
 * may still be shown or uploaded; revocation distrusts it at once.
 */
export class KeysService {
  readonly #active = new Map<string, { key: SigningKey; checkedAt: number }>();
  /** Counts rotations heard: a key read while one was heard is not kept. */
  #generation = 0;
  readonly #bindings = new Map<string, string>();

  constructor(private readonly ctx: ServiceContext) {
    ctx.database.changes.subscribe((change) => {
      if (change.kind !== 'keys' && change.kind !== 'everything') return;
      this.#generation += 1;
      this.#active.clear();
    });
  }

  /** The key signing codes and place codes for a place in `region`. */
  async activeKey(region: string): Promise<SigningKey> {
    return this.active('code', servedRegionFor(this.ctx, region));
  }

  /** This operator's own key: its trust list, fact bundles and grants. */
  async operatorKey(): Promise<SigningKey> {
    return this.active('operator', operatorOf(this.ctx).id);
  }

  /** The hub's key for the national trust list. */
  async hubKey(): Promise<SigningKey> {
    return this.active('hub', operatorOf(this.ctx).id);
  }

  /** Every served region's code key and the operator key, made now where missing: the trust list is never empty. */
  async ensureKeys(options: { hub?: boolean } = {}): Promise<void> {
    for (const region of operatorOf(this.ctx).regions) await this.active('code', region);
    await this.operatorKey();
    if (options.hub) await this.hubKey();
  }

  /** Active key of (purpose, owner), created on first use; asked again after a rotation anywhere (or every KEY_RECHECK_MS). */
  private async active(purpose: KeyPurpose, owner: string): Promise<SigningKey> {
    const slot = `${purpose}:${owner}`;
    const now = this.ctx.clock.now().getTime();
    const heard = this.ctx.database.changes.upToDate();
    const cached = this.#active.get(slot);
    if (cached && (heard || now - cached.checkedAt < KEY_RECHECK_MS)) return cached.key;
    const generation = this.#generation;
    const kid = await this.ctx.stores.keys.activeKid(owner, purpose);
    const issuer = issuerOf(purpose, owner);
    const key =
      kid === undefined ? await this.create(purpose, owner) : cached?.key.kid === kid ? cached.key : signingKeyFromPkcs8(issuer, await this.ctx.stores.keys.privateKey(kid));
    if (generation === this.#generation || kid === undefined) this.#active.set(slot, { key, checkedAt: now });
    return key;
  }

  /** Makes a new key the served region's active one; returns the new and the retired key ids. */
  async rotate(region: string): Promise<{ kid: string; retired: string[] }> {
    const served = servedRegionFor(this.ctx, region);
    const now = this.ctx.clock.now().getTime();
    const retired = await this.ctx.stores.keys.retireActive(served, now);
    this.#active.delete(`code:${served}`);
    const key = await this.create('code', served);
    this.#active.set(`code:${served}`, { key, checkedAt: now });
    return { kid: key.kid, retired };
  }

  /**
   * Makes a new hub key (the old one leaked, or is due): the next national list is signed with it,
   * and the old one signs nothing more. Members set HEALTHCODE_HUB_KEY to the new public key (their
   * configuration wins over what they pinned); their scanners take it from their operator at their
   * next sync. Until a member does, it refuses the new lists and keeps its last good one until that
   * expires (a day). Returns the new public key (raw, base64url) and the retired key ids.
   */
  async rotateHub(): Promise<{ kid: string; publicKey: string; retired: string[] }> {
    const owner = operatorOf(this.ctx).id;
    const retired = await this.ctx.stores.keys.retireActive(owner, this.ctx.clock.now().getTime(), 'hub');
    this.#active.delete(`hub:${owner}`);
    const key = await this.create('hub', owner);
    this.#active.set(`hub:${owner}`, { key, checkedAt: this.ctx.clock.now().getTime() });
    return { kid: key.kid, publicKey: bytesToBase64Url(key.publicKey), retired };
  }

  /**
   * Revokes a code key (it leaked): distrusted at once here and, through the trust lists, at every
   * checkpoint and operator. Its region gets a new active key if it was the active one.
   */
  async revoke(kid: string): Promise<{ kid: string; region: string; replacedBy: string | undefined }> {
    const now = this.ctx.clock.now().getTime();
    const revoked = await this.ctx.stores.keys.revoke(kid, now);
    if (!revoked) throw new NotFoundError(`code signing key ${kid}`);
    this.#active.delete(`code:${revoked.region}`);
    const activeKid = await this.ctx.stores.keys.activeKid(revoked.region);
    const replacedBy = activeKid === undefined ? (await this.create('code', revoked.region)).kid : undefined;
    return { kid, region: revoked.region, replacedBy };
  }

  private async create(purpose: KeyPurpose, owner: string): Promise<SigningKey> {
    const key = generateSigningKey(issuerOf(purpose, owner));
    await this.ctx.stores.keys.insert({ kid: key.kid, region: owner, purpose, publicKey: bytesToBase64Url(key.publicKey), privatePkcs8: key.privatePkcs8, now: this.ctx.clock.now().getTime() });
    return key;
  }

  /**
   * Every key a checkpoint should accept now: active ones, and retired ones whose codes may still be
   * shown or, scanned offline, still be uploaded. A retired key is valid for codes issued up to
   * KEY_RECHECK_MS after its retirement, for servers that had not yet noticed; no code lives longer
   * than MAX_TOKEN_LIFETIME_SECONDS, so a retired key cannot make codes that outlive that. Revoked
   * keys are left out and named, so a checkpoint that cached them drops them.
   */
  async trustList(): Promise<TrustList & Pick<MemberTrustList, 'operator' | 'revoked'>> {
    const now = this.ctx.clock.now().getTime();
    const stillAlive = now - KEY_RECHECK_MS - (MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) * 1000 - OFFLINE_UPLOAD_WINDOW_MS;
    // Only keys of regions served now: keys made for regions this operator no longer serves (or never
    // did: a command once run without HEALTHCODE_REGIONS) would make the hub refuse the whole list.
    const served = operatorOf(this.ctx).regions;
    const rows = (await this.ctx.stores.keys.trusted(stillAlive)).filter((r) => withinRegions(r.region, served));
    const revoked = await this.ctx.stores.keys.revoked(stillAlive);
    const { id, name, regions } = operatorOf(this.ctx);
    return {
      version: 1,
      generatedAt: Math.floor(now / 1000),
      operator: { id, name, regions },
      keys: await Promise.all(
        rows.map(async (r) => ({
          kid: r.kid,
          issuer: issuerFor(r.region),
          alg: 'EdDSA' as const,
          crv: 'Ed25519' as const,
          x: r.public_key,
          validFrom: Math.floor(r.created_at / 1000),
          validUntil: r.retired_at === null ? null : Math.floor((r.retired_at + KEY_RECHECK_MS) / 1000),
          binding: await this.binding(r.kid, issuerFor(r.region), id),
        })),
      ),
      revoked: revoked.map((r) => ({ kid: r.kid, revokedAt: Math.floor(r.revoked_at / 1000) })),
    };
  }

  /** A key's proof of possession for this operator, signed once with the key itself and kept (it never changes). */
  private async binding(kid: string, issuer: string, operatorId: string): Promise<string> {
    const slot = `${operatorId}:${kid}:${issuer}`;
    let binding = this.#bindings.get(slot);
    if (binding === undefined) {
      binding = signKeyBinding(signingKeyFromPkcs8(issuer, await this.ctx.stores.keys.privateKey(kid)), operatorId, issuer);
      this.#bindings.set(slot, binding);
    }
    return binding;
  }

  /** The trust list as this operator publishes it to the hub: signed with its operator key, with an expiry. */
  async signedTrustList(): Promise<Uint8Array> {
    const list = await this.trustList();
    const document: MemberTrustList = { ...list, expiresAt: list.generatedAt + MEMBER_LIST_LIFETIME_MS / 1000 };
    return signDocument(await this.operatorKey(), DOCUMENT_TYPES.memberTrustList, document);
  }
}

/** Code keys sign as their region (CN-330000); an operator or hub key as the operator id. */
function issuerOf(purpose: KeyPurpose, owner: string): string {
  return purpose === 'code' ? issuerFor(owner) : owner;
}
