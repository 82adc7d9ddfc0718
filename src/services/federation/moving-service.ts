import { fixedPurpose } from '../../domain/audit-wording.js';
import { randomBytes } from 'node:crypto';
import { encodeBase45 } from '../../codes/base45.js';
import { coarsenFacts, grantBytes, grantHash, GRANT_PREFIX, phoneCommitment, readFactBundle, readGrant, type BundleFacts, type FactBundle, type FactGrant, type FactRequest } from '../../codes/fact-bundle.js';
import { nationalListLive, withinRegions } from '../../codes/national-trust-list.js';
import { DOCUMENT_TYPES, DocumentError, openDocument, verifyDocument } from '../../codes/signed-document.js';
import { keyIdFor, nodeVerify, signDocument } from '../../codes/token-signer.js';
import { base64UrlToBytes } from '../../codes/trust-list.js';
import { MINUTE_MS } from '../../domain/clock.js';
import { localInstant } from '../../domain/local-time.js';
import { cacheBound } from '../../config.js';
import { isUniqueViolation } from '../../store/database.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { HOME_REGISTRATION } from '../../domain/identity/identity-document.js';
import { maskName } from '../../domain/masking.js';
import { checkMobileNumber } from '../../domain/phone.js';
import { isRegionCode } from '../../domain/regions.js';
import { checkText, MAX_ADDRESS_LENGTH } from '../../domain/resident.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { auditTime, type AuditService } from '../audit-service.js';
import { operatorOf, servedRegionFor, type ServiceContext } from '../context.js';
import { regionEndedError } from '../ended-regions.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import { InvalidatedCache } from '../decisions/invalidated-cache.js';
import type { KeysService } from '../keys-service.js';
import type { NationalListService } from './national-list-service.js';
import { fetchFromPeer } from './operator-client.js';
import { ConflictError, MalformedInputError, FederationRefusedError, messageTime } from '../service-errors.js';
import type { Session, SignInService } from '../residents/sign-in-service.js';

export interface FactsFrom {
  operator: string;
  operatorName: string;
  bundleIssuedAt: number;
  /** Which facts came from there, by kind: what the why screen lists. */
  facts: { stays: number; contacts: number; cases: number; tests: number; vaccinations: number; declaration: boolean };
}

/** A grant is used within this long of being given, or not at all. */
export const GRANT_LIFETIME_MS = 15 * MINUTE_MS;
/** A destination's request is this fresh, so a captured one cannot be sent again later. */
const REQUEST_WINDOW_MS = 5 * MINUTE_MS;

const audienceSubjectIndex = 'federation.subject';

/** Residents' facts' origins kept at the least while caches are on: the bound this cache had before it followed HEALTHCODE_CACHE_ENTRIES. */
const MIN_FACTS_FROM_KEPT = 10_000;

/**
 * Moving between regions without registering twice. At home: a signed-in resident gives a one-time
 * grant naming the destination, and the home releases a signed fact bundle to that destination alone,
 * once, logged in the resident's access log. At the destination: the visitor proves a phone there and
 * hands over the grant; the destination fetches the bundle, checks it against the home operator's key
 * in the national list, stores the facts as the home's, and decides under its own public rules.
 */
export class MovingService {
  readonly #verify = nodeVerify();
  /**
   * Where a resident's facts came from, asked on every code view. Kept while the change feed vouches
   * for it: every write to a visitor link or the facts from home (a bundle stored, a reclaim) announces
   * the resident's `decisions` change in its own transaction, and a sunset `region-ended`.
   */
  readonly #factsFrom: InvalidatedCache<FactsFrom | { none: true }>;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
    private readonly national: NationalListService,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
    private readonly signIn: SignInService,
  ) {
    // As many as the codes kept in memory (never fewer than 10,000): with fewer, residents refreshing
    // in turn push each other out and every refresh of a kept code reads the database again.
    // No ttl: a ttl brought back the visitor link's read on every view a minute after the last. The one
    // part no change names is the operator's display name from the national list (a new list announces
    // nothing): a rename shows from the resident's next change; the operator's id beside it, the bundle's
    // time and the counts are what the feed vouches for, and none of them decides a colour.
    this.#factsFrom = new InvalidatedCache(ctx.database.changes, cacheBound(ctx.settings.cacheEntries, MIN_FACTS_FROM_KEPT), (change) => {
      if (change.kind === 'decisions') return change.residentIds;
      return change.kind === 'region-ended' ? 'all' : undefined;
    });
  }

  // --- at home -------------------------------------------------------------------------------

  /** A one-time grant for `audience` to fetch this resident's facts, valid GRANT_LIFETIME_MS. */
  async giveGrant(residentId: string, audience: string): Promise<{ grant: string; audience: string; audienceName: string; expiresAt: number }> {
    const self = operatorOf(this.ctx).id;
    if (audience === self) throw new InvalidInputError([{ field: 'audience', message: 'is this operator itself: no grant is needed here' }]);
    const destination = await this.national.member(audience);
    const now = this.ctx.clock.now().getTime();
    const jti = randomBytes(16).toString('base64url');
    await this.ctx.stores.federation.createGrant({ id: jti, residentId, audience, now, expiresAt: now + GRANT_LIFETIME_MS });
    const grant: FactGrant = { v: 1, iss: self, aud: audience, jti, iat: Math.floor(now / 1000), exp: Math.floor((now + GRANT_LIFETIME_MS) / 1000) };
    await this.audit.append(`resident:${residentId}`, 'give-fact-grant', fixedPurpose('moving-own-consent'), residentId, { audience, audienceName: destination.name, expiresAt: auditTime(now + GRANT_LIFETIME_MS) });
    const text = GRANT_PREFIX + encodeBase45(signDocument(await this.keys.operatorKey(), DOCUMENT_TYPES.factGrant, grant));
    return { grant: text, audience, audienceName: destination.name, expiresAt: now + GRANT_LIFETIME_MS };
  }

  /** The grants a resident gave: to whom, when, and whether each was used. */
  async grantsOf(residentId: string): Promise<{ audience: string; createdAt: number; expiresAt: number; usedAt: number | null }[]> {
    return (await this.ctx.stores.federation.grantsOf(residentId)).map((g) => ({ audience: g.audience, createdAt: g.created_at, expiresAt: g.expires_at, usedAt: g.used_at }));
  }

  /**
   * Releases a signed fact bundle for a destination's signed request carrying a grant: the request
   * must be signed by the operator the grant names, recent, and the grant this home's own, unexpired
   * and unused. Each refusal is named; nothing is released twice for one grant.
   */
  async releaseBundle(requestBytes: Uint8Array): Promise<Uint8Array> {
    const now = this.ctx.clock.now().getTime();
    const self = operatorOf(this.ctx).id;
    const current = await this.national.current();
    if (!current) throw new FederationRefusedError('not-federated', 'this operator holds no national trust list yet');
    // An expired list vouches for no operator key: a request signed by one it named is not trusted.
    if (!nationalListLive(current.list, now)) throw new FederationRefusedError('not-federated', `the national trust list ${current.sequence} this operator holds expired at ${messageTime(current.expiresAt)}; it releases nothing until the hub is reached again`);
    const membersByKid = new Map(current.list.members.filter((m) => m.operatorKey !== null).map((m) => [keyIdFor(base64UrlToBytes(m.operatorKey!)), m]));
    const request = await this.verified(requestBytes, DOCUMENT_TYPES.factRequest, (kid) => (membersByKid.has(kid) ? base64UrlToBytes(membersByKid.get(kid)!.operatorKey!) : undefined));
    const signer = membersByKid.get(request.kid)!;
    // Signed but not an object (JSON null, a number): refused as malformed, naming what is wrong, rather than failing inside.
    if (typeof request.payload !== 'object' || request.payload === null || Array.isArray(request.payload)) throw new MalformedInputError('payload', 'must be a JSON object (a fact request)');
    const body = request.payload as Partial<FactRequest>;
    if (body.v !== 1 || body.iss !== signer.id || body.aud !== self || typeof body.grant !== 'string' || typeof body.iat !== 'number' || typeof body.nonce !== 'string' || !/^[A-Za-z0-9_-]{22,86}$/.test(body.nonce)) {
      throw new FederationRefusedError('bad-signature', `the request is not a fact request from ${signer.id} to ${self}`);
    }
    if (Math.abs(body.iat * 1000 - now) > REQUEST_WINDOW_MS) throw new FederationRefusedError('grant-expired', 'the request is not recent: send a fresh one');
    const own = await this.keys.operatorKey();
    let grant: FactGrant;
    try {
      const verified = await verifyDocument(grantBytes(body.grant), DOCUMENT_TYPES.factGrant, (kid) => (kid === own.kid ? own.publicKey : undefined), this.#verify);
      grant = readGrant(verified.payload);
    } catch (error) {
      throw new FederationRefusedError('bad-signature', `the grant is not one this operator gave: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
    if (grant.aud !== signer.id) throw new FederationRefusedError('grant-not-for-you', `the grant is for ${grant.aud}, not ${signer.id}`);
    const used = await this.ctx.stores.federation.useGrant(grant.jti, signer.id, now);
    if ('refused' in used) throw new FederationRefusedError(used.refused, refusalText[used.refused]);
    const facts = await this.ctx.stores.facts.load([used.residentId], now, (date) => localInstant(date, 0, this.ctx.settings.timeZone));
    const resident = facts.get(used.residentId);
    const person = await this.ctx.stores.residents.findById(used.residentId);
    if (!resident || !person) throw new FederationRefusedError('grant-unknown', 'the resident who gave the grant has deleted their account');
    const latest = [...resident.declarations].sort((a, b) => b.at - a.at)[0];
    const bundle: FactBundle = {
      v: 1,
      iss: self,
      aud: signer.id,
      sub: this.ctx.cipher.blindIndex(audienceSubjectIndex, `${signer.id}:${used.residentId}`),
      maskedName: maskName(person.name),
      // This operator's region, not the district: the destination needs no more.
      homeRegion: servedRegionFor(this.ctx, resident.region),
      issuedAt: now,
      nonce: body.nonce,
      grantHash: grantHash(grant.jti),
      phone: person.phone === null ? null : await phoneCommitment(signer.id, body.nonce, person.phone),
      facts: coarsenFacts({
        declaration: latest ? { at: latest.at, symptoms: latest.symptoms, temperature: latest.temperature } : null,
        stays: resident.stays.map((s) => ({ region: s.region, country: s.country, arrival: s.arrival, departure: s.departure, source: s.source, recordedAt: s.recordedAt })),
        contacts: resident.contacts.map((c) => ({ kind: c.kind, at: c.at, source: c.source, recordedAt: c.recordedAt })),
        cases: resident.cases.map((c) => ({ status: c.status, at: c.at, source: c.source, recordedAt: c.recordedAt })),
        tests: resident.tests.map((t) => ({ result: t.result, at: t.at, source: t.source, recordedAt: t.recordedAt })),
        vaccinations: resident.vaccinations.map((v) => ({ dose: v.dose, courseDoses: v.courseDoses, at: v.at, source: v.source, recordedAt: v.recordedAt })),
      }, now),
    };
    await this.audit.append(`operator:${signer.id}`, 'release-fact-bundle', fixedPurpose('moving-consent-by-grant'), used.residentId, {
      destination: signer.id,
      // By name, as the resident's access log says it; and whether their latest declaration went too.
      destinationName: signer.name,
      declaration: bundle.facts.declaration !== null,
      stays: bundle.facts.stays.length,
      contacts: bundle.facts.contacts.length,
      cases: bundle.facts.cases.length,
      tests: bundle.facts.tests.length,
      vaccinations: bundle.facts.vaccinations.length,
    });
    return signDocument(own, DOCUMENT_TYPES.factBundle, bundle);
  }

  // --- at the destination -----------------------------------------------------------------------

  /**
   * Admits a visitor with their home registration: a phone proven here (the SMS code), where they
   * stay here, and the grant from home. Creates their account here (or refreshes it, for the same
   * person coming back with a new grant) and signs them in. The grant alone signs no one in: a new
   * account needs the phone the home holds (its commitment in the bundle), a known one its own phone.
   */
  /** `admit` is asked once the phone's code is proven, before the grant is spent at home (see RegistrationService.register). */
  async admitVisitor(input: { grant: string; phone: string; code: string; ticket?: string; address: { region: string; detail: string } }, admit: () => Promise<void> = async () => undefined): Promise<{ residentId: string; session: Session; homeOperator: string; homeOperatorName: string; created: boolean }> {
    const errors = new FieldErrorCollector();
    const phone = checkMobileNumber(input.phone);
    if (!phone.ok) errors.add('phone', phone.message);
    if (!isRegionCode(input.address.region)) errors.add('address.region', `'${input.address.region}' is not a GB/T 2260 administrative division code`);
    checkText(errors, 'address.detail', input.address.detail, MAX_ADDRESS_LENGTH);
    errors.throwIfAny();
    const address = { region: input.address.region, detail: input.address.detail };
    const e164 = (phone as { value: string }).value;
    servedRegionFor(this.ctx, address.region, 'address.region');
    // Before the grant is spent at home.
    await this.ctx.endedRegions.refuse(address.region);
    const self = operatorOf(this.ctx).id;
    // The grant is read (and its signature checked against the home's key) before anything is asked of the home.
    let grantBytesIn: Uint8Array;
    let grantDoc;
    try {
      grantBytesIn = grantBytes(input.grant);
      grantDoc = openDocument(grantBytesIn);
    } catch (error) {
      throw new InvalidInputError([{ field: 'grant', message: error instanceof Error ? error.message : 'is not a grant' }]);
    }
    let claimed: FactGrant;
    try {
      claimed = readGrant(JSON.parse(new TextDecoder().decode(grantDoc.payload)));
    } catch {
      throw new InvalidInputError([{ field: 'grant', message: 'is not a grant' }]);
    }
    const home = await this.national.member(claimed.iss);
    if (home.operatorKey === null) throw new FederationRefusedError('unknown-operator', `the national list holds no key for ${home.id}`);
    const homeKey = base64UrlToBytes(home.operatorKey);
    const grant = readGrant((await this.verified(grantBytesIn, DOCUMENT_TYPES.factGrant, () => homeKey)).payload);
    if (grant.aud !== self) throw new FederationRefusedError('grant-not-for-you', `the grant is for ${grant.aud}: give one for ${self}`);
    if (grant.exp * 1000 <= this.ctx.clock.now().getTime()) throw new FederationRefusedError('grant-expired', 'the grant has expired: ask your home operator for a new one');
    const proof = await this.signIn.prove(e164, input.code, input.ticket);
    // Refused before the grant is spent at home: a phone here that belongs to someone not from that home.
    const phoneOwner = proof.holderId;
    if (phoneOwner !== undefined && (await this.ctx.stores.federation.visitorLink(phoneOwner))?.home_operator !== home.id) {
      throw new ConflictError('this phone already has an account here: sign in with it, or use another phone', 'phone');
    }
    await admit();

    const nonce = randomBytes(16).toString('base64url');
    const request: FactRequest = { v: 1, iss: self, aud: home.id, grant: input.grant.trim(), iat: Math.floor(this.ctx.clock.now().getTime() / 1000), nonce };
    const bundleUrl = `${home.url}/api/v1/federation/fact-bundles`;
    let answer: Uint8Array;
    try {
      answer = await fetchFromPeer(bundleUrl, {
        method: 'POST',
        body: signDocument(await this.keys.operatorKey(), DOCUMENT_TYPES.factRequest, request),
        contentType: 'application/cose',
        accept: 'application/cose',
      });
    } catch (error) {
      // The visitor is told which operator, never where its servers are.
      if (error instanceof FederationRefusedError) throw new FederationRefusedError(error.reason, error.message.replaceAll(bundleUrl, `${home.name} (${home.id})`));
      throw error;
    }
    let bundle: FactBundle;
    try {
      bundle = readFactBundle((await this.verified(answer, DOCUMENT_TYPES.factBundle, () => homeKey)).payload);
    } catch (error) {
      if (error instanceof FederationRefusedError) throw error;
      throw new FederationRefusedError('operator-answered-garbage', `${home.id} sent a bundle that does not read: ${error instanceof Error ? error.message : ''}`);
    }
    if (bundle.iss !== home.id || bundle.aud !== self) throw new FederationRefusedError('bad-signature', `the bundle is from ${bundle.iss} for ${bundle.aud}`);
    // A bundle answers this request for this grant alone: an older one passed on by a path in between is not it.
    if (bundle.nonce !== nonce || bundle.grantHash !== grantHash(grant.jti)) throw new FederationRefusedError('bundle-mismatch', `the bundle from ${home.name} does not answer this request for this grant`);
    const now = this.ctx.clock.now().getTime();
    if (Math.abs(bundle.issuedAt - now) > REQUEST_WINDOW_MS) throw new FederationRefusedError('bundle-stale', `the bundle from ${home.name} was not issued now`);
    if (!withinRegions(bundle.homeRegion, home.regions)) throw new FederationRefusedError('region-not-home', `the bundle names home region ${bundle.homeRegion}, which ${home.name} does not serve`);

    const known = await this.ctx.stores.federation.visitorByHome(home.id, bundle.sub);
    if (phoneOwner !== undefined && phoneOwner !== known) throw new ConflictError('this phone already has an account here: sign in with it, or use another phone', 'phone');
    // A grant is a bearer string, not a sign-in: the phone proven here must be the one the home holds
    // or, for an account here already, the one it holds. One answer for every mismatch, so a copied
    // grant tells nothing about whether its giver was here before. The home's phone takes back an
    // account that holds another (one taken before phones were checked, or a phone changed at home).
    const homesPhone = bundle.phone !== null && bundle.phone === (await phoneCommitment(self, nonce, e164));
    const accountPhone = known === undefined ? undefined : (await this.ctx.stores.residents.findById(known))?.phone;
    if (!homesPhone && (known === undefined || accountPhone !== e164)) throw new FederationRefusedError('phone-mismatch', PHONE_MISMATCH);
    const reclaim = known !== undefined && accountPhone !== e164;
    const residentId = known ?? this.ctx.newId();
    try {
      await this.storeVisitor(residentId, known === undefined, { home, bundle, phone: e164, address, phoneVerifiedAt: proof.at, reclaim });
    } catch (error) {
      // Two admissions of the same person, or the same phone, at once: one account is made, the other told.
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError('this registration or phone was just used here: sign in with the phone instead', 'phone');
    }
    await this.signIn.consume(proof);
    if (reclaim) await this.endEverySession(residentId, proof.at);
    await this.decisions.redecide([residentId], `facts from ${home.id}`);
    return { residentId, session: await this.signIn.sessionFor(residentId, proof.at), homeOperator: home.id, homeOperatorName: home.name, created: known === undefined };
  }

  /** The visitor's account (when new) and the facts from home, in one transaction: stored whole or not at all. */
  private async storeVisitor(
    residentId: string,
    create: boolean,
    v: { home: { id: string }; bundle: FactBundle; phone: string; address: { region: string; detail: string }; phoneVerifiedAt: number; reclaim?: boolean },
  ): Promise<void> {
    const { home, bundle, phone, address } = v;
    const now = this.ctx.clock.now().getTime();
    // Announced as the resident's change when it commits: every process forgets where their facts came
    // from then, not only when the re-decision after it (which a crash in between would lose) is stored.
    await this.ctx.database.transaction(async (trx) => {
      if (create) {
        const inserted = await this.ctx.stores.residents.withTransaction(trx).insert(
          residentId,
          { name: bundle.maskedName, identity: { type: HOME_REGISTRATION, number: home.id, key: `home:${home.id}:${bundle.sub}` }, phone, address },
          now,
          v.phoneVerifiedAt,
        );
        if (!inserted) throw regionEndedError(address.region);
      }
      if (v.reclaim) await this.ctx.stores.residents.withTransaction(trx).replacePhone(residentId, phone, v.phoneVerifiedAt);
      const stored = await this.ctx.stores.federation.storeHomeFacts(trx, { residentId, homeOperator: home.id, homeSubject: bundle.sub, bundleIssuedAt: bundle.issuedAt, facts: bundle.facts as BundleFacts, now, newId: this.ctx.newId });
      if (!stored) throw new FederationRefusedError('bundle-stale', `the bundle from ${home.id} is older than the facts held from it: they stay`);
    }, { kind: 'decisions', residentIds: [residentId] });
  }

  /** Whoever held the account before its phone was taken back is signed out of it everywhere: remembered devices and host apps' tokens too. */
  private async endEverySession(residentId: string, now: number): Promise<void> {
    for (const session of await this.ctx.stores.signIn.sessionsOf(residentId)) if (session.revokedAt === null) await this.ctx.stores.signIn.revokeSession(session.id, now);
    for (const device of await this.ctx.stores.rememberedDevices.ofResident(residentId)) await this.ctx.stores.rememberedDevices.revoke(device.id, now);
    // Host apps it allowed answer for the one who held it too.
    await this.ctx.stores.oauth.endTokensOf(residentId);
    await this.audit.append(`resident:${residentId}`, 'reclaim-visitor-account', fixedPurpose('moving-phone-reclaimed'), residentId, {});
  }

  /**
   * Where a visitor's facts came from, if they came with a home registration. `link`: their visitor
   * link as already read (null: none), read here when not given; `watermark`: originWatermark() as it
   * was before that link was read. A link read at an unknown watermark is used but not kept.
   */
  async factsFrom(residentId: string, link?: { home_operator: string; bundle_issued_at: number } | null, watermark?: number): Promise<FactsFrom | null> {
    const cached = this.#factsFrom.get(residentId);
    if (cached !== undefined) return 'none' in cached ? null : cached;
    if (link !== undefined) return this.readFactsFrom(residentId, link ?? undefined, watermark);
    const before = this.#factsFrom.watermark();
    return this.readFactsFrom(residentId, await this.ctx.stores.federation.visitorLink(residentId), before);
  }

  /** Taken before a visitor link is read elsewhere (a code view's read along), to be handed to factsFrom with it. */
  originWatermark(): number {
    return this.#factsFrom.watermark();
  }

  private async readFactsFrom(residentId: string, link: { home_operator: string; bundle_issued_at: number } | undefined, watermark: number | undefined): Promise<FactsFrom | null> {
    const member = link ? await this.national.member(link.home_operator).catch(() => undefined) : undefined;
    const facts = link ? await this.ctx.stores.federation.homeFactCounts(residentId, link.home_operator) : undefined;
    const value = link && facts ? { operator: link.home_operator, operatorName: member?.name ?? link.home_operator, bundleIssuedAt: link.bundle_issued_at, facts } : null;
    if (watermark !== undefined) this.#factsFrom.set(residentId, value ?? { none: true }, watermark);
    return value;
  }

  private async verified(bytes: Uint8Array, type: (typeof DOCUMENT_TYPES)[keyof typeof DOCUMENT_TYPES], keyOf: (kid: string) => Uint8Array | undefined): Promise<{ kid: string; payload: unknown }> {
    try {
      return await verifyDocument(bytes, type, keyOf, this.#verify);
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      throw new FederationRefusedError(error.reason === 'unknown-key' ? 'unknown-operator' : 'bad-signature', error.message);
    }
  }
}

const PHONE_MISMATCH = 'prove the phone your home operator holds for you, or, if you came here before, the phone you used here before';

const refusalText = {
  'grant-unknown': 'no such grant was given',
  'grant-used': 'the grant was used already: each grant releases the facts once',
  'grant-expired': 'the grant has expired: ask the resident for a new one',
  'grant-not-for-you': 'the grant names another operator',
} as const;
