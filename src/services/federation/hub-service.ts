import { bytesToBase64Url, base64UrlToBytes, type TrustedKey } from '../../codes/trust-list.js';
import { DOCUMENT_TYPES, DocumentError, verifyDocument } from '../../codes/signed-document.js';
import { checkKeyIds, OPERATOR_ID, peerUrl, peerUrlProblem, readMemberTrustList, withinRegions, type NationalMember, type NationalTrustList } from '../../codes/national-trust-list.js';
import { checkKeyBindings } from '../../codes/key-binding.js';
import { nodeVerify, signDocument } from '../../codes/token-signer.js';
import { HOUR_MS } from '../../domain/clock.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { isRegionCode } from '../../domain/regions.js';
import type { MemberRow } from '../../store/federation/federation-store.js';
import { federationRefreshMs, operatorOf, type ServiceContext } from '../context.js';
import type { KeysService } from '../keys-service.js';
import { fetchFromPeer, fetchJsonFromPeer, identityKey, PEER_MAX_BYTES, PEER_TIMEOUT_MS } from './operator-client.js';
import { ConflictError, FederationRefusedError, NotFoundError } from '../service-errors.js';

/** A national list is good for a day: a checkpoint that cannot refresh keeps verifying that long with it. */
export const NATIONAL_LIST_LIFETIME_MS = 24 * HOUR_MS;
/** The most the hub signs: under what members take from it (PEER_MAX_BYTES), with room for HTTP framing. */
export const NATIONAL_LIST_MAX_BYTES = PEER_MAX_BYTES - 16_384;

/** Refused before signing: the last list published stays the one served, and the hub logs why. */
export class NationalListTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`the national list would be ${bytes} bytes, more than the ${NATIONAL_LIST_MAX_BYTES} members take; the last one published stays`);
    this.name = 'NationalListTooLargeError';
  }
}

/** Members fetched at once. */
const FETCH_CONCURRENCY = 8;

export interface MemberInput {
  id: string;
  name: string;
  regions: string[];
  url: string;
  contact: string;
  /** The member's operator key (raw Ed25519, base64url), given out of band; development may learn it on first contact. */
  operatorKey?: string;
}

export interface MemberStatus {
  id: string;
  name: string;
  regions: string[];
  url: string;
  status: 'fresh' | 'stale';
  keys: number;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  /** What the hub did not take from a list it took (revocations of keys not the member's own). */
  notice: string | null;
  listExpiresAt: number | null;
}

/**
 * The national hub: registers member operators, fetches each one's signed trust list on a schedule,
 * and publishes one national list signed with the hub's key. A member it cannot reach, or whose list
 * does not verify, keeps its last good keys until that list expires and is shown stale; nothing
 * unverified is ever published.
 */
export class HubService {
  readonly #verify = nodeVerify();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
  ) {}

  get enabled(): boolean {
    return this.ctx.settings.federation?.hub ?? false;
  }

  private requireHub(): void {
    if (!this.enabled) throw new FederationRefusedError('not-federated', 'this operator is not the national hub');
  }

  async addMember(input: MemberInput): Promise<MemberStatus> {
    this.requireHub();
    const member = checkMember(input, this.ctx.settings.mode === 'production');
    // Checked and claimed in one transaction, each region under a unique key: two registrations racing for one region cannot both win.
    const refused = await this.ctx.stores.federation.upsertMember({ ...member, operatorKey: member.operatorKey ?? null, now: this.ctx.clock.now().getTime() }, (others) =>
      regionClash(member.regions, others),
    );
    if (refused) throw new ConflictError(refused.clash, 'regions');
    return this.statusOf((await this.ctx.stores.federation.member(member.id))!);
  }

  async removeMember(id: string): Promise<void> {
    this.requireHub();
    if (!(await this.ctx.stores.federation.removeMember(id))) throw new NotFoundError(`member ${id}`);
    await this.publish();
  }

  async members(): Promise<MemberStatus[]> {
    this.requireHub();
    return (await this.ctx.stores.federation.members()).map((m) => this.statusOf(m));
  }

  /** Fetches every member's list (a few at a time), then publishes. Returns what each fetch came to. */
  async refreshAll(): Promise<{ sequence: number; members: MemberStatus[] }> {
    this.requireHub();
    const members = await this.ctx.stores.federation.members();
    let next = 0;
    const worker = async () => {
      while (next < members.length) await this.refreshMember(members[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, members.length) }, worker));
    const sequence = await this.publish();
    return { sequence, members: await this.members() };
  }

  /** One member: fetch, verify against its pinned key, check its keys' regions, keep. Failures are recorded, never thrown. */
  async refreshMember(member: MemberRow): Promise<void> {
    member = { ...member };
    const now = this.ctx.clock.now().getTime();
    try {
      let operatorKey = member.operator_key;
      if (operatorKey === null) {
        if (this.ctx.settings.mode === 'production') throw new Error('no operator key is registered for this member');
        // Development: trusted on first contact, then pinned.
        const identity = await fetchJsonFromPeer(peerUrl(member.url, '/api/v1/federation/identity'));
        operatorKey = identityKey(identity, member.id, 'operatorKey', member.url);
        const learned = member.regions === '[]' ? await this.learnedRegions(member.id, identity) : undefined;
        await this.ctx.stores.federation.pinMemberKey(member.id, operatorKey, learned);
        if (learned) member = { ...member, name: learned.name, regions: JSON.stringify(learned.regions) };
        this.ctx.logger.warn({ member: member.id }, 'member key learned on first contact (development); register it explicitly in production');
      }
      const bytes = await fetchFromPeer(peerUrl(member.url, '/api/v1/federation/trust-list'), { accept: 'application/cose' });
      const pinned = base64UrlToBytes(operatorKey);
      const { payload } = await verifyDocument(bytes, DOCUMENT_TYPES.memberTrustList, () => pinned, this.#verify);
      const list = readMemberTrustList(payload, { id: member.id, regions: JSON.parse(member.regions) as string[] }, Math.floor(now / 1000));
      await checkKeyIds(list.keys, `member ${member.id}`);
      // Proof of possession: a key copied from another member's public list carries no binding naming this member.
      await checkKeyBindings(list.keys, member.id, this.#verify, `member ${member.id}`);
      // Each kid is claimed for this member (refused if another published it); only its own keys' revocations are kept.
      const recorded = await this.ctx.stores.federation.recordMemberList(member.id, list, now, await this.unprovenClaims(member.id, list.keys));
      if (!recorded.kept) throw new Error(recorded.reason);
      if (recorded.ignoredRevocations.length > 0) this.ctx.logger.warn({ member: member.id, kids: recorded.ignoredRevocations }, "member's revocations of keys not its own ignored");
    } catch (error) {
      const message = error instanceof DocumentError || error instanceof FederationRefusedError || error instanceof Error ? error.message : String(error);
      this.ctx.logger.warn({ member: member.id, error: message }, 'member trust list not refreshed; its last good keys stay until they expire');
      await this.ctx.stores.federation.recordMemberFailure(member.id, message, now);
    }
  }

  /**
   * First come counts only among proven keys: a kid of `keys` (all bound to `id`) recorded for
   * another member whose own entry for it carries no binding to that member (taken before bindings
   * were required, or no longer listed) is that member's on no proof, and goes to the one proving it.
   */
  private async unprovenClaims(id: string, keys: readonly TrustedKey[]): Promise<Map<string, string>> {
    const owners = await this.ctx.stores.federation.kidOwners();
    const claimed = keys.filter((k) => owners.has(k.kid) && owners.get(k.kid) !== id);
    const reclaim = new Map<string, string>();
    if (claimed.length === 0) return reclaim;
    const rows = new Map((await this.ctx.stores.federation.members()).map((m) => [m.id, m]));
    for (const key of claimed) {
      const owner = owners.get(key.kid)!;
      const theirs = (JSON.parse(rows.get(owner)?.keys ?? '[]') as TrustedKey[]).find((k) => k.kid === key.kid);
      const proven = theirs !== undefined && (await checkKeyBindings([theirs], owner, this.#verify, owner).then(() => true, () => false));
      if (!proven) reclaim.set(key.kid, owner);
    }
    return reclaim;
  }

  /** Development bootstrap (HEALTHCODE_HUB_MEMBERS): a member known by id and address only, its name, regions and key learned on first contact. */
  async bootstrapMember(id: string, url: string): Promise<void> {
    this.requireHub();
    if (this.ctx.settings.mode === 'production') throw new FederationRefusedError('not-federated', 'members are registered with their keys in production');
    if (await this.ctx.stores.federation.member(id)) return;
    await this.ctx.stores.federation.upsertMember({ id, name: id, regions: [], url, contact: 'development bootstrap', operatorKey: null, now: this.ctx.clock.now().getTime() });
  }

  /** The regions a member's identity claims, if no other member serves any of them. */
  private async learnedRegions(id: string, identity: unknown): Promise<{ name: string; regions: string[] }> {
    const operator = (identity as { operator?: { name?: unknown; regions?: unknown } }).operator;
    const regions = Array.isArray(operator?.regions) ? operator.regions.filter((r): r is string => typeof r === 'string' && isRegionCode(r)) : [];
    if (regions.length === 0) throw new Error('the member names no regions it serves');
    const name = typeof operator?.name === 'string' && operator.name.length <= 80 ? operator.name : id;
    const clash = regionClash(regions, (await this.ctx.stores.federation.members()).filter((m) => m.id !== id));
    if (clash) throw new Error(clash);
    return { name, regions };
  }

  /** Signs and stores the national list from what is verified now; returns its sequence. */
  async publish(): Promise<number> {
    this.requireHub();
    const now = this.ctx.clock.now().getTime();
    // A member bootstrapped by address whose identity was never learned serves nothing yet.
    const rows = (await this.ctx.stores.federation.members()).filter((m) => m.regions !== '[]');
    const key = await this.keys.hubKey();
    const members: NationalMember[] = rows.map((m) => {
      const status = this.statusOf(m);
      const live = m.list_expires_at !== null && m.list_expires_at * 1000 > now;
      return {
        id: m.id,
        name: m.name,
        regions: status.regions,
        url: m.url,
        operatorKey: m.operator_key,
        status: status.status,
        listGeneratedAt: m.list_generated_at,
        listExpiresAt: m.list_expires_at,
        keys: live ? (JSON.parse(m.keys) as NationalMember['keys']) : [],
      };
    });
    // A key, and a revocation, count only for the member that published the key first (rows kept from before 0021 included).
    const owners = await this.ctx.stores.federation.kidOwners();
    const revoked = rows.flatMap((m) => (JSON.parse(m.revoked) as { kid: string; revokedAt: number }[]).filter((r) => owners.get(r.kid) === m.id).map((r) => ({ ...r, operator: m.id })));
    const revokedKids = new Set(revoked.map((r) => r.kid));
    for (const m of members) m.keys = m.keys.filter((k) => !revokedKids.has(k.kid) && owners.get(k.kid) === m.id);
    const published = await this.ctx.stores.federation.publishNationalList((sequence) => {
      const list: NationalTrustList = {
        version: 1,
        hub: operatorOf(this.ctx).id,
        sequence,
        issuedAt: Math.floor(now / 1000),
        expiresAt: Math.floor((now + NATIONAL_LIST_LIFETIME_MS) / 1000),
        members,
        revoked,
      };
      const document = signDocument(key, DOCUMENT_TYPES.nationalTrustList, list);
      // Members take at most PEER_MAX_BYTES: a list they cannot take would stop every revocation travelling.
      if (document.byteLength > NATIONAL_LIST_MAX_BYTES) throw new NationalListTooLargeError(document.byteLength);
      return { issuedAt: now, expiresAt: now + NATIONAL_LIST_LIFETIME_MS, document: bytesToBase64Url(document) };
    });
    return published;
  }

  /** The newest national list, signed; published now if there is none yet. */
  async nationalList(): Promise<{ sequence: number; expiresAt: number; document: Uint8Array }> {
    this.requireHub();
    let latest = await this.ctx.stores.federation.latestNationalList();
    if (!latest || latest.expires_at <= this.ctx.clock.now().getTime()) {
      await this.publish();
      latest = (await this.ctx.stores.federation.latestNationalList())!;
    }
    return { sequence: latest.sequence, expiresAt: latest.expires_at, document: base64UrlToBytes(latest.document) };
  }

  private statusOf(m: MemberRow): MemberStatus {
    const now = this.ctx.clock.now().getTime();
    // Fresh: the last fetch worked, and it was in the last round or the one before (a round may be
    // held up by members that take their whole timeout).
    const refreshMs = federationRefreshMs(this.ctx.settings);
    const fresh = m.last_success_at !== null && m.last_error === null && now - m.last_success_at <= 2 * (refreshMs + PEER_TIMEOUT_MS);
    return {
      id: m.id,
      name: m.name,
      regions: JSON.parse(m.regions) as string[],
      url: m.url,
      status: fresh ? 'fresh' : 'stale',
      keys: m.list_expires_at !== null && m.list_expires_at * 1000 > now ? (JSON.parse(m.keys) as unknown[]).length : 0,
      lastSuccessAt: m.last_success_at,
      lastAttemptAt: m.last_attempt_at,
      lastError: m.last_error,
      notice: m.notice,
      listExpiresAt: m.list_expires_at === null ? null : m.list_expires_at * 1000,
    };
  }
}

function checkMember(input: MemberInput, production: boolean): MemberInput {
  const errors = new FieldErrorCollector();
  if (!OPERATOR_ID.test(input.id)) errors.add('id', 'must be 2-40 lower-case letters, digits or hyphens starting with a letter');
  if (input.name.trim() === '' || input.name.length > 80) errors.add('name', 'must be 1-80 characters');
  if (input.regions.length === 0) errors.add('regions', 'must name at least one region');
  input.regions.forEach((r, i) => {
    if (!isRegionCode(r)) errors.add(`regions[${i}]`, `'${r}' is not a GB/T 2260 region code`);
  });
  const urlProblem = peerUrlProblem(input.url);
  if (urlProblem !== undefined) errors.add('url', urlProblem);
  else if (production && new URL(input.url).protocol !== 'https:') errors.add('url', 'must be https in production mode');
  if (input.contact.trim() === '' || input.contact.length > 200) errors.add('contact', 'must be 1-200 characters');
  if (input.operatorKey !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(input.operatorKey)) errors.add('operatorKey', 'must be a raw Ed25519 public key as 43 base64url characters');
  if (input.operatorKey === undefined && production) errors.add('operatorKey', "is required in production mode: pin the key the member's `healthcode federation identity` prints");
  errors.throwIfAny();
  return { ...input, name: input.name.trim(), contact: input.contact.trim(), url: input.url.replace(/\/+$/, ''), regions: [...new Set(input.regions)] };
}

/** Two members never serve the same place: which region of `regions` one of `others` serves already (or lies within, or contains), if any. */
function regionClash(regions: readonly string[], others: readonly MemberRow[]): string | undefined {
  for (const other of others) {
    const otherRegions = JSON.parse(other.regions) as string[];
    const clash = regions.find((r) => withinRegions(r, otherRegions) || otherRegions.some((o) => withinRegions(o, [r])));
    if (clash !== undefined) return `region ${clash} is served by member ${other.id} already`;
  }
  return undefined;
}
