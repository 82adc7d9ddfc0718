import type { Kysely } from 'kysely';
import { compiledOnce } from '../compiled-query.js';
import { SHREDDED } from '../oversight/sunset-store.js';
import type { Database } from '../schema.js';

/** What a code view reads about a resident that memory does not hold, and the caller's session, as one read gives them. */
export interface CodeViewRead {
  /** The session asked about while active (not revoked, not expired), whoever's it is; else undefined. */
  session: { residentId: string; expiresAt: number } | undefined;
  /**
   * The stored current decision's columns a code view serves from; undefined when none is kept.
   * `name_enc`: the resident's sealed name where the decision keeps no masked name, else null.
   */
  status: { decision: string | null; region: string | null; valid_until: number | null; masked_name: string | null; name_enc: string | null } | undefined;
  /** What the resident's identity stands on (as ResidentsStore.identityStanding). */
  standing: { phoneVerifiedAt: number | null; identityCheckedAt: number | null; hasGuardian: boolean };
  /** The visitor's link to their home operator (as FederationStore.visitorLink); undefined for a resident who did not move here. */
  link: { home_operator: string; linked_at: number; bundle_issued_at: number } | undefined;
}

/**
 * The cold code view's reads in one statement: on PostgreSQL a view not in memory cost four round
 * trips (session, stored decision, identity standing, visitor link), and round trips were its cost.
 * Each part is the same predicate as the store that owns it (test/store/decisions/code-view-store.test.ts
 * compares them).
 */
export class CodeViewStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Undefined when the resident is unknown or destroyed by their region's sunset: nothing is known then, not even the session. */
  async read(residentId: string, sessionId: string, now: number): Promise<CodeViewRead | undefined> {
    const [row] = await this.#read(residentId, sessionId, now);
    if (row === undefined) return undefined;
    return {
      session: row.session_resident_id === null || row.session_expires_at === null ? undefined : { residentId: row.session_resident_id, expiresAt: row.session_expires_at },
      status: row.status_resident_id === null ? undefined : { decision: row.decision, region: row.region, valid_until: row.valid_until, masked_name: row.masked_name, name_enc: row.name_enc },
      standing: { phoneVerifiedAt: row.phone_verified_at, identityCheckedAt: row.identity_checked_at, hasGuardian: Boolean(row.has_guardian) },
      link: row.home_operator === null || row.linked_at === null || row.bundle_issued_at === null ? undefined : { home_operator: row.home_operator, linked_at: row.linked_at, bundle_issued_at: row.bundle_issued_at },
    };
  }

  readonly #read = compiledOnce(() => this.db, 3, (residentId: string, sessionId: string, now: number) =>
    this.db
      .selectFrom('residents as r')
      .leftJoin('resident_status as s', 's.resident_id', 'r.id')
      .leftJoin('visitor_links as v', 'v.resident_id', 'r.id')
      .leftJoin('sessions as se', (join) => join.on('se.id', '=', sessionId).on('se.revoked_at', 'is', null).on('se.expires_at', '>', now))
      .select(['r.phone_verified_at', 'r.identity_checked_at', 's.resident_id as status_resident_id', 's.decision', 's.region', 's.valid_until', 's.masked_name', 'v.home_operator', 'v.linked_at', 'v.bundle_issued_at', 'se.resident_id as session_resident_id', 'se.expires_at as session_expires_at'])
      // The sealed name only where the stored decision keeps no masked one (decisions do not open
      // names): the view masks it then, without a read of its own, and keeps the masked name.
      .select((eb) => eb.case().when('s.masked_name', 'is', null).then(eb.ref('r.name_enc')).end().as('name_enc'))
      .select((eb) => eb.exists(eb.selectFrom('guardianships').select('dependent_id').whereRef('guardianships.dependent_id', '=', 'r.id')).as('has_guardian'))
      .where('r.id', '=', residentId)
      .where('r.name_enc', '!=', SHREDDED),
  );
}
