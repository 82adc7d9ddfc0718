import { combineTrustLists, nationalListLive, peerUrl, verifyNationalTrustList, withinRegions, type KeyOrigin, type NationalMember, type NationalTrustList } from '../../codes/national-trust-list.js';
import { nodeVerify } from '../../codes/token-signer.js';
import { base64UrlToBytes, bytesToBase64Url, type TrustList } from '../../codes/trust-list.js';
import { operatorOf, type ServiceContext } from '../context.js';
import { issuerFor } from '../../codes/token-format.js';
import { DAY_MS } from '../../domain/clock.js';
import type { HubService } from './hub-service.js';
import type { KeysService } from '../keys-service.js';
import { fetchFromPeer, fetchJsonFromPeer, identityKey } from './operator-client.js';
import { FederationRefusedError, messageTime } from '../service-errors.js';

/** How long a combined trust list is reused before this operator's own keys are read again. */
const COMBINED_TTL_MS = 5000;

export interface CurrentNationalList {
  hubKey: string;
  sequence: number;
  expiresAt: number;
  document: Uint8Array;
  list: NationalTrustList;
}

/**
 * The national trust list as this operator holds it: on a member, the last one fetched from the hub
 * that verified against the hub's pinned key (never a lower sequence than one seen); on the hub, its
 * own. With it, this operator trusts every member's codes and documents, not only its own.
 */
export class NationalListService {
  readonly #verify = nodeVerify();
  #parsed: { sequence: number; current: CurrentNationalList } | undefined;
  #combined: { at: number; value: { trustList: TrustList; origins: Map<string, KeyOrigin> }; nationalExpiresAt: number | undefined } | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
    private readonly hub: HubService,
  ) {
    // A key rotated or revoked here must count at once, not after the combined list's few seconds.
    ctx.database.changes.subscribe((change) => {
      if (change.kind === 'keys' || change.kind === 'everything') this.#combined = undefined;
    });
  }

  private get hubUrl(): string | undefined {
    return this.ctx.settings.federation?.hubUrl;
  }

  /** A member fetches the hub's newest list; kept only if it verifies, has not expired and does not go back. */
  async refresh(): Promise<{ sequence: number } | { error: string }> {
    const hubUrl = this.hubUrl;
    if (hubUrl === undefined) return { error: 'not a member of a hub' };
    const now = this.ctx.clock.now().getTime();
    try {
      let cached = await this.ctx.stores.federation.cachedNationalList(hubUrl);
      if (!cached) {
        let hubKey = this.ctx.settings.federation?.hubKey;
        if (hubKey === undefined) {
          // Development only (config refuses this in production): learned on first contact, then pinned.
          hubKey = identityKey(await fetchJsonFromPeer(peerUrl(hubUrl, '/api/v1/federation/identity')), undefined, 'hubKey', hubUrl);
          this.ctx.logger.warn({ hubUrl }, "the hub's key was learned on first contact (development); set HEALTHCODE_HUB_KEY in production");
        }
        await this.ctx.stores.federation.pinHub(hubUrl, hubKey);
        cached = (await this.ctx.stores.federation.cachedNationalList(hubUrl))!;
      }
      const configured = this.ctx.settings.federation?.hubKey;
      if (configured !== undefined && configured !== cached.hub_key) {
        // The operator set a new hub key (the hub rotated its key): configuration is what it controls, so it wins over the pin.
        this.ctx.logger.warn({ hubUrl }, 'HEALTHCODE_HUB_KEY differs from the key pinned before: the new one is pinned; lists signed with the old one no longer count');
        await this.ctx.stores.federation.repinHub(hubUrl, configured);
        cached = { ...cached, hub_key: configured, document: null, expires_at: null };
      }
      const bytes = await fetchFromPeer(peerUrl(hubUrl, '/api/v1/federation/national-trust-list'), { accept: 'application/cose' });
      const list = await this.read(bytes, cached.hub_key);
      if (list.expiresAt * 1000 <= now) throw new Error(`the hub's list ${list.sequence} has expired`);
      if (cached.sequence !== null && list.sequence < cached.sequence) throw new Error(`the hub sent list ${list.sequence}, older than ${cached.sequence} (replayed)`);
      await this.ctx.stores.federation.recordNationalList(hubUrl, { sequence: list.sequence, expiresAt: list.expiresAt * 1000, document: bytesToBase64Url(bytes) }, now);
      this.#combined = undefined;
      return { sequence: list.sequence };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.ctx.logger.warn({ hubUrl, error: message }, 'national trust list not refreshed; the last good one stays');
      await this.ctx.stores.federation.recordNationalFailure(hubUrl, message, now).catch(() => undefined);
      return { error: message };
    }
  }

  private async read(bytes: Uint8Array, hubKey: string): Promise<NationalTrustList> {
    return verifyNationalTrustList(bytes, base64UrlToBytes(hubKey), this.#verify);
  }

  /**
   * The hub key this operator's scanners verify the national list with, given to them over their
   * authenticated channel (the device credential), never taken from the list's own unauthenticated
   * answer: on a hub its own key; on a member the configured HEALTHCODE_HUB_KEY, or in development
   * the key pinned on first contact.
   */
  async hubKeyForScanners(): Promise<string | null> {
    if (this.hub.enabled) return bytesToBase64Url((await this.keys.hubKey()).publicKey);
    const hubUrl = this.hubUrl;
    if (hubUrl === undefined) return null;
    return this.ctx.settings.federation?.hubKey ?? (await this.ctx.stores.federation.cachedNationalList(hubUrl))?.hub_key ?? null;
  }

  /**
   * The sequence and expiry of the list held now, read as stored (never published nor parsed here):
   * for operators' metrics, read at every scrape. Null where it is in no federation or holds none yet.
   */
  async held(): Promise<{ sequence: number; expiresAt: number } | null> {
    if (this.hub.enabled) {
      const own = await this.ctx.stores.federation.latestNationalList();
      return own ? { sequence: own.sequence, expiresAt: own.expires_at } : null;
    }
    const hubUrl = this.hubUrl;
    if (hubUrl === undefined) return null;
    const cached = await this.ctx.stores.federation.cachedNationalList(hubUrl);
    return cached?.sequence === null || cached?.sequence === undefined || cached.expires_at === null ? null : { sequence: Number(cached.sequence), expiresAt: Number(cached.expires_at) };
  }

  /** The list this operator holds now, or null where it is in no federation (or has not fetched one yet). */
  async current(): Promise<CurrentNationalList | null> {
    if (this.hub.enabled) {
      const own = await this.hub.nationalList();
      return this.parsed(own.sequence, own.document, bytesToBase64Url((await this.keys.hubKey()).publicKey), own.expiresAt);
    }
    const hubUrl = this.hubUrl;
    if (hubUrl === undefined) return null;
    const cached = await this.ctx.stores.federation.cachedNationalList(hubUrl);
    if (!cached?.document || cached.sequence === null) return null;
    return this.parsed(cached.sequence, base64UrlToBytes(cached.document), cached.hub_key, cached.expires_at!);
  }

  private async parsed(sequence: number, document: Uint8Array, hubKey: string, expiresAt: number): Promise<CurrentNationalList> {
    if (this.#parsed?.sequence === sequence && this.#parsed.current.hubKey === hubKey) return this.#parsed.current;
    const current = { hubKey, sequence, expiresAt, document, list: await this.read(document, hubKey) };
    this.#parsed = { sequence, current };
    return current;
  }

  /** Own keys and every member's: what uploaded scans are checked against, and whose each key is. */
  async combined(): Promise<{ trustList: TrustList; origins: Map<string, KeyOrigin> }> {
    const now = this.ctx.clock.now().getTime();
    const expiry = this.#combined?.nationalExpiresAt;
    if (this.#combined && now - this.#combined.at < COMBINED_TTL_MS && now >= this.#combined.at && (expiry === undefined || now < expiry)) return this.#combined.value;
    // An expired national list is left out here, at use: members' keys are trusted only while the list naming them lasts.
    const value = combineTrustLists(await this.keys.trustList(), (await this.current())?.list ?? null, now);
    this.#combined = { at: now, value, nationalExpiresAt: (await this.current())?.expiresAt };
    return value;
  }

  /**
   * Codes of visitors scanned at this operator's checkpoints in the last `days`, by issuing region
   * and the operator that region belongs to: counts only, no person.
   */
  async visitorScans(days: number): Promise<{ issuer: string; region: string; operator: string | null; operatorName: string | null; scans: number; admitted: number }[]> {
    const now = this.ctx.clock.now().getTime();
    const own = operatorOf(this.ctx).regions.map(issuerFor);
    const members = (await this.current())?.list.members ?? [];
    return (await this.ctx.stores.scans.visitorsByIssuer(own, now - days * DAY_MS)).map((row) => {
      const region = row.issuer.replace(/^CN-/, '');
      const member = members.find((m) => withinRegions(region, m.regions));
      return { ...row, region, operator: member?.id ?? null, operatorName: member?.name ?? null };
    });
  }

  /** A member of the national list, by id; refused where there is no list or no such member. */
  async member(id: string): Promise<NationalMember> {
    const current = await this.current();
    if (!current) throw new FederationRefusedError('not-federated', 'this operator holds no national trust list: it is in no federation, or has not reached its hub yet');
    if (!nationalListLive(current.list, this.ctx.clock.now().getTime())) {
      throw new FederationRefusedError('not-federated', `the national trust list ${current.sequence} this operator holds expired at ${messageTime(current.expiresAt)}; it trusts no other operator until the hub is reached again`);
    }
    const member = current.list.members.find((m) => m.id === id);
    if (!member) throw new FederationRefusedError('unknown-operator', `operator ${id} is not in the national trust list ${current.sequence}`);
    return member;
  }
}
