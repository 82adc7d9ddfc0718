import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Staff credentials, kept only as keyed digests of their tokens. */
export class StaffStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: { id: string; name: string; role: string; region: string | null; tokenDigest: string; now: number }): Promise<void> {
    await this.db.insertInto('staff_tokens').values({ id: s.id, name: s.name, role: s.role, region: s.region, token_digest: s.tokenDigest, created_at: s.now, revoked_at: null }).execute();
  }

  async byTokenDigest(digest: string): Promise<{ id: string; name: string; role: string; region: string | null } | undefined> {
    return this.db.selectFrom('staff_tokens').select(['id', 'name', 'role', 'region']).where('token_digest', '=', digest).where('revoked_at', 'is', null).executeTakeFirst();
  }

  async isActive(id: string): Promise<boolean> {
    return (await this.db.selectFrom('staff_tokens').select('id').where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()) !== undefined;
  }

  /** Staff names by id, for counts shown on the dashboard. */
  async names(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('staff_tokens').select(['id', 'name']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Active credentials of these roles, by name: whom the authority may give a grant to. */
  async active(roles: string[]): Promise<{ id: string; name: string; role: string; region: string | null }[]> {
    return this.db.selectFrom('staff_tokens').select(['id', 'name', 'role', 'region']).where('revoked_at', 'is', null).where('role', 'in', roles).orderBy('name').limit(1000).execute();
  }
}
