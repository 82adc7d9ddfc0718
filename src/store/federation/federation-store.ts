import type { Kysely, Selectable } from 'kysely';
import type { BundleFacts } from '../../codes/fact-bundle.js';
import { isUniqueViolation, lockIn, type Engine } from '../database.js';
import type { Database, FederationMembersTable, NationalListCacheTable } from '../schema.js';
import { compiledOnce } from '../compiled-query.js';
import { factsChanged } from '../facts-version.js';

export type MemberRow = Selectable<FederationMembersTable>;

/**
 * What federation keeps: on a hub, its members and the national lists it published; on a member,
 * the last national list it verified; on a home operator, the grants its residents gave; on a
 * destination, which visitors came with a registration from home.
 */
export class FederationStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine = 'sqlite',
  ) {}

  async members(): Promise<MemberRow[]> {
    return this.db.selectFrom('federation_members').selectAll().orderBy('id').execute();
  }

  async member(id: string): Promise<MemberRow | undefined> {
    return this.db.selectFrom('federation_members').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Registers a member, or updates where it is reached and who to contact; its pinned key changes
   * only when given. Atomic: each region is one row under a unique key, so of two registrations
   * racing for one region one wins and the other gets the clash. `clashOf` sees the other members as
   * they are inside the transaction (a region within another's region clashes too).
   */
  async upsertMember(
    m: { id: string; name: string; regions: string[]; url: string; contact: string; operatorKey: string | null; now: number },
    clashOf: (others: MemberRow[]) => string | undefined = () => undefined,
  ): Promise<{ clash: string } | undefined> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        // One registration at a time: the unique key catches one region claimed twice, not a city
        // claimed beside its province, which only the check below sees, and only if no other is
        // between its read and its commit (PostgreSQL reads committed rows; SQLite has one writer).
        await lockIn(this.engine, trx, 'federation members');
        const clash = clashOf(await trx.selectFrom('federation_members').selectAll().where('id', '!=', m.id).execute());
        if (clash !== undefined) return { clash };
        await trx
          .insertInto('federation_members')
          .values({ id: m.id, name: m.name, regions: JSON.stringify(m.regions), url: m.url, contact: m.contact, operator_key: m.operatorKey, added_at: m.now })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              name: m.name,
              regions: JSON.stringify(m.regions),
              url: m.url,
              contact: m.contact,
              operator_key: m.operatorKey ?? eb.ref('federation_members.operator_key'),
            })),
          )
          .execute();
        await this.claimRegions(trx, m.id, m.regions);
        return undefined;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { clash: `a region of ${m.regions.join(', ')} was registered for another member at the same moment` };
      throw error;
    }
  }

  /** The member's regions, each under the unique key: a region another member holds fails the transaction. */
  private async claimRegions(trx: Kysely<Database>, id: string, regions: string[]): Promise<void> {
    await trx.deleteFrom('federation_member_regions').where('member_id', '=', id).execute();
    if (regions.length > 0) await trx.insertInto('federation_member_regions').values(regions.map((region) => ({ region, member_id: id }))).execute();
  }

  async removeMember(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('federation_member_regions').where('member_id', '=', id).execute();
      await trx.deleteFrom('federation_member_kids').where('member_id', '=', id).execute();
      const result = await trx.deleteFrom('federation_members').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Pins a member's operator key learned on first contact (development only), unless one is pinned already; so too its name and regions if none were registered. */
  async pinMemberKey(id: string, key: string, learned?: { name: string; regions: string[] }): Promise<void> {
    await this.db.updateTable('federation_members').set({ operator_key: key }).where('id', '=', id).where('operator_key', 'is', null).execute();
    if (!learned) return;
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('federation_members').set({ name: learned.name, regions: JSON.stringify(learned.regions) }).where('id', '=', id).where('regions', '=', '[]').executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) await this.claimRegions(trx, id, learned.regions);
    });
  }

  /**
   * A fetch that verified: its keys replace the last good ones, unless they are older than those (a
   * replayed list). Each key id is claimed for the member under a unique key: a list naming a kid
   * another member published is refused whole. Of its revocations only those of keys the member
   * itself published are kept; the rest are dropped and named in the member's notice.
   */
  async recordMemberList(
    id: string,
    list: { generatedAt: number; expiresAt: number; keys: { kid: string }[]; revoked: { kid: string; revokedAt: number }[] },
    now: number,
    /** Kids recorded for another member on no proof of possession (before bindings), which this list proves: kid → the member recorded, taken over only if still recorded so. */
    reclaim: ReadonlyMap<string, string> = new Map(),
  ): Promise<{ kept: true; ignoredRevocations: string[] } | { kept: false; reason: string }> {
    return this.db.transaction().execute(async (trx) => {
      const kids = list.keys.map((k) => k.kid);
      for (const [kid, from] of reclaim) {
        await trx.updateTable('federation_member_kids').set({ member_id: id, first_seen_at: now }).where('kid', '=', kid).where('member_id', '=', from).execute();
      }
      if (kids.length > 0) {
        await trx
          .insertInto('federation_member_kids')
          .values(kids.map((kid) => ({ kid, member_id: id, first_seen_at: now })))
          .onConflict((oc) => oc.column('kid').doNothing())
          .execute();
      }
      const named = [...kids, ...list.revoked.map((r) => r.kid)];
      const owners = named.length === 0 ? [] : await trx.selectFrom('federation_member_kids').select(['kid', 'member_id']).where('kid', 'in', named).execute();
      const ownerOf = new Map(owners.map((o) => [o.kid, o.member_id]));
      const taken = kids.find((kid) => ownerOf.get(kid) !== id);
      if (taken !== undefined) return { kept: false as const, reason: `key ${taken} was published by member ${ownerOf.get(taken)} first: a key id is one member's` };
      const revoked = list.revoked.filter((r) => ownerOf.get(r.kid) === id);
      const ignored = list.revoked.filter((r) => ownerOf.get(r.kid) !== id);
      const notice =
        ignored.length === 0
          ? null
          : `revocations ignored: ${ignored
              .slice(0, 10)
              .map((r) => `${r.kid} (${ownerOf.has(r.kid) ? `a key of ${ownerOf.get(r.kid)}` : 'never published by this member'})`)
              .join(', ')}${ignored.length > 10 ? ` and ${ignored.length - 10} more` : ''}; a member revokes only its own keys`;
      const result = await trx
        .updateTable('federation_members')
        .set({ last_attempt_at: now, last_success_at: now, last_error: null, notice, list_generated_at: list.generatedAt, list_expires_at: list.expiresAt, keys: JSON.stringify(list.keys), revoked: JSON.stringify(revoked) })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('list_generated_at', 'is', null), eb('list_generated_at', '<=', list.generatedAt)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return { kept: false as const, reason: 'the list is older than one already verified (replayed)' };
      return { kept: true as const, ignoredRevocations: ignored.map((r) => r.kid) };
    });
  }

  /** Which member published each key id the hub ever took. */
  async kidOwners(): Promise<Map<string, string>> {
    return new Map((await this.db.selectFrom('federation_member_kids').select(['kid', 'member_id']).execute()).map((r) => [r.kid, r.member_id]));
  }

  /** A fetch that failed: the last good keys stay, the error is shown. */
  async recordMemberFailure(id: string, error: string, now: number): Promise<void> {
    await this.db.updateTable('federation_members').set({ last_attempt_at: now, last_error: error.slice(0, 500) }).where('id', '=', id).execute();
  }

  async latestNationalList(): Promise<{ sequence: number; issued_at: number; expires_at: number; document: string } | undefined> {
    const row = await this.db.selectFrom('national_lists').selectAll().orderBy('sequence', 'desc').limit(1).executeTakeFirst();
    return row && { ...row, sequence: Number(row.sequence), issued_at: Number(row.issued_at), expires_at: Number(row.expires_at) };
  }

  /** Stores a published list under the next sequence number; `make` signs it once the number is known. */
  async publishNationalList(make: (sequence: number) => { issuedAt: number; expiresAt: number; document: string }): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx.selectFrom('national_lists').select('sequence').orderBy('sequence', 'desc').limit(1).executeTakeFirst();
      const sequence = Number(last?.sequence ?? 0) + 1;
      const made = make(sequence);
      await trx.insertInto('national_lists').values({ sequence, issued_at: made.issuedAt, expires_at: made.expiresAt, document: made.document }).execute();
      // Only the newest is served; a few are kept to show what was published when.
      await trx.deleteFrom('national_lists').where('sequence', '<=', sequence - 100).execute();
      return sequence;
    });
  }

  async cachedNationalList(hubUrl: string): Promise<Selectable<NationalListCacheTable> | undefined> {
    const row = await this.db.selectFrom('national_list_cache').selectAll().where('hub_url', '=', hubUrl).executeTakeFirst();
    return row && { ...row, sequence: row.sequence === null ? null : Number(row.sequence) };
  }

  /** Pins the hub's key (configured, or learned on first contact in development). */
  async pinHub(hubUrl: string, hubKey: string): Promise<void> {
    await this.db.insertInto('national_list_cache').values({ hub_url: hubUrl, hub_key: hubKey }).onConflict((oc) => oc.column('hub_url').doNothing()).execute();
  }

  /**
   * The operator configured a new hub key (the hub rotated its own): the list signed with the old
   * one no longer counts. The sequence stays, so an older list is still refused.
   */
  async repinHub(hubUrl: string, hubKey: string): Promise<void> {
    await this.db.updateTable('national_list_cache').set({ hub_key: hubKey, document: null, expires_at: null }).where('hub_url', '=', hubUrl).execute();
  }

  /** Keeps a verified national list, unless one with a higher sequence is kept already. */
  async recordNationalList(hubUrl: string, list: { sequence: number; expiresAt: number; document: string }, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('national_list_cache')
      .set({ sequence: list.sequence, expires_at: list.expiresAt, document: list.document, fetched_at: now, last_attempt_at: now, last_error: null })
      .where('hub_url', '=', hubUrl)
      .where((eb) => eb.or([eb('sequence', 'is', null), eb('sequence', '<=', list.sequence)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordNationalFailure(hubUrl: string, error: string, now: number): Promise<void> {
    await this.db.updateTable('national_list_cache').set({ last_attempt_at: now, last_error: error.slice(0, 500) }).where('hub_url', '=', hubUrl).execute();
  }

  async createGrant(g: { id: string; residentId: string; audience: string; now: number; expiresAt: number }): Promise<void> {
    await this.db.insertInto('fact_grants').values({ id: g.id, resident_id: g.residentId, audience: g.audience, created_at: g.now, expires_at: g.expiresAt, used_at: null }).execute();
  }

  /**
   * Uses a grant once, atomically: of two requests with the same grant, one gets the resident and
   * the other learns it was used. Says why a grant cannot be used.
   */
  async useGrant(id: string, audience: string, now: number): Promise<{ residentId: string } | { refused: 'grant-unknown' | 'grant-used' | 'grant-expired' | 'grant-not-for-you' }> {
    const used = await this.db
      .updateTable('fact_grants')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('audience', '=', audience)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('resident_id')
      .executeTakeFirst();
    if (used) return { residentId: used.resident_id };
    const row = await this.db.selectFrom('fact_grants').select(['audience', 'used_at', 'expires_at']).where('id', '=', id).executeTakeFirst();
    if (!row) return { refused: 'grant-unknown' };
    if (row.audience !== audience) return { refused: 'grant-not-for-you' };
    return { refused: row.used_at !== null ? 'grant-used' : 'grant-expired' };
  }

  /** The grants a resident gave, newest first: what "Me" lists. */
  async grantsOf(residentId: string): Promise<{ id: string; audience: string; created_at: number; expires_at: number; used_at: number | null }[]> {
    return this.db.selectFrom('fact_grants').select(['id', 'audience', 'created_at', 'expires_at', 'used_at']).where('resident_id', '=', residentId).orderBy('created_at', 'desc').limit(50).execute();
  }

  async visitorByHome(homeOperator: string, homeSubject: string): Promise<string | undefined> {
    return (await this.db.selectFrom('visitor_links').select('resident_id').where('home_operator', '=', homeOperator).where('home_subject', '=', homeSubject).executeTakeFirst())?.resident_id;
  }

  /** Read on every code view not in memory: compiled once. */
  readonly #visitorLink = compiledOnce(() => this.db, 1, (residentId: string) => this.db.selectFrom('visitor_links').select(['home_operator', 'linked_at', 'bundle_issued_at']).where('resident_id', '=', residentId));

  async visitorLink(residentId: string): Promise<{ home_operator: string; linked_at: number; bundle_issued_at: number } | undefined> {
    const [row] = await this.#visitorLink(residentId);
    return row;
  }

  /** How many facts of each kind came from `homeOperator` for this visitor (and whether a declaration did): what the why screen lists. */
  async homeFactCounts(residentId: string, homeOperator: string): Promise<{ stays: number; contacts: number; cases: number; tests: number; vaccinations: number; declaration: boolean }> {
    const mark = `home:${homeOperator}`;
    const stays = await this.db.selectFrom('travel_records').select((eb) => eb.fn.countAll<number>().as('n')).where('resident_id', '=', residentId).where('carrier_ref', '=', mark).executeTakeFirst();
    const kinds = await this.db
      .selectFrom('authority_facts')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('resident_id', '=', residentId)
      .where('detail', 'like', `%"from":"${mark}"%`)
      .groupBy('kind')
      .execute();
    const declared = await this.db.selectFrom('declarations').select('id').where('resident_id', '=', residentId).where('id', 'like', `${mark}:%`).limit(1).executeTakeFirst();
    const count = (kind: string) => Number(kinds.find((k) => k.kind === kind)?.n ?? 0);
    return { stays: Number(stays?.n ?? 0), contacts: count('contact'), cases: count('case'), tests: count('test'), vaccinations: count('vaccination'), declaration: declared !== undefined };
  }

  /**
   * Links a visitor to their home registration and replaces the facts that came from home with the
   * bundle's: all in the caller's transaction, so a bundle is stored whole or not at all. A bundle
   * issued before the one held changes nothing and returns false: facts never go back in time.
   */
  async storeHomeFacts(db: Kysely<Database>, v: { residentId: string; homeOperator: string; homeSubject: string; bundleIssuedAt: number; facts: BundleFacts; now: number; newId: () => string }): Promise<boolean> {
    const mark = `home:${v.homeOperator}`;
    const linked = await db
      .insertInto('visitor_links')
      .values({ resident_id: v.residentId, home_operator: v.homeOperator, home_subject: v.homeSubject, linked_at: v.now, bundle_issued_at: v.bundleIssuedAt })
      .onConflict((oc) => oc.column('resident_id').doUpdateSet({ bundle_issued_at: v.bundleIssuedAt }).where('visitor_links.bundle_issued_at', '<=', v.bundleIssuedAt))
      .executeTakeFirst();
    if (Number(linked.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    // Re-decisions in flight read the facts this replaces: none of them may save.
    await factsChanged(db, [v.residentId]);
    // What came from home before is replaced, never added to: the bundle is the home's whole view.
    await db.deleteFrom('travel_records').where('resident_id', '=', v.residentId).where('carrier_ref', '=', mark).execute();
    await db.deleteFrom('authority_facts').where('resident_id', '=', v.residentId).where('detail', 'like', `%"from":"${mark}"%`).execute();
    await db.deleteFrom('declarations').where('resident_id', '=', v.residentId).where('id', 'like', `${mark}:%`).execute();
    const f = v.facts;
    if (f.stays.length > 0) {
      await db
        .insertInto('travel_records')
        .values(
          f.stays.map((s) => ({
            id: v.newId(),
            resident_id: v.residentId,
            region_code: s.region,
            country_code: s.country,
            arrival: s.arrival,
            // An ongoing stay at home ended when the resident left for here.
            departure: s.departure ?? v.bundleIssuedAt,
            source: s.source,
            carrier_ref: mark,
            recorded_at: s.recordedAt,
          })),
        )
        .execute();
    }
    const facts = [
      ...f.contacts.map((c) => ({ at: c.at, source: c.source, recordedAt: c.recordedAt, kind: 'contact', value: c.kind, detail: {} })),
      ...f.cases.map((c) => ({ at: c.at, source: c.source, recordedAt: c.recordedAt, kind: 'case', value: c.status, detail: {} })),
      ...f.tests.map((t) => ({ at: t.at, source: t.source, recordedAt: t.recordedAt, kind: 'test', value: t.result, detail: {} })),
      ...f.vaccinations.map((x) => ({ at: x.at, source: x.source, recordedAt: x.recordedAt, kind: 'vaccination', value: String(x.dose), detail: { dose: x.dose, courseDoses: x.courseDoses } })),
    ];
    if (facts.length > 0) {
      await db
        .insertInto('authority_facts')
        .values(facts.map((x) => ({ id: v.newId(), resident_id: v.residentId, kind: x.kind, value: x.value, detail: JSON.stringify({ ...x.detail, from: mark }), occurred_at: x.at, source: x.source, recorded_at: x.recordedAt })))
        .execute();
    }
    if (f.declaration) {
      await db
        .insertInto('declarations')
        .values({ id: `${mark}:${v.newId()}`, resident_id: v.residentId, declared_at: f.declaration.at, symptoms: JSON.stringify(f.declaration.symptoms), contacts: '[]', temperature: f.declaration.temperature })
        .execute();
    }
    return true;
  }
}
