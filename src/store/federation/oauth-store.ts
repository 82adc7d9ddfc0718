import type { Kysely, Selectable } from 'kysely';
import type { Database, HostAppsTable } from '../schema.js';

export type HostAppRow = Selectable<HostAppsTable>;

/**
 * What the authorization server keeps: host apps, and oidc-provider's records (the adapter interface
 * of its documentation: upsert, find, findByUid, consume, destroy, revokeByGrantId), expired ones
 * read as absent.
 */
export class OAuthStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addApp(app: { clientId: string; name: string; redirectUris: string[]; scopes: string[]; now: number }): Promise<void> {
    await this.db
      .insertInto('host_apps')
      .values({ client_id: app.clientId, name: app.name, redirect_uris: JSON.stringify(app.redirectUris), scopes: JSON.stringify(app.scopes), created_at: app.now, revoked_at: null })
      .execute();
  }

  async app(clientId: string): Promise<HostAppRow | undefined> {
    return this.db.selectFrom('host_apps').selectAll().where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
  }

  async apps(): Promise<HostAppRow[]> {
    return this.db.selectFrom('host_apps').selectAll().orderBy('created_at').execute();
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      // Grants, sessions, codes and tokens all name their resident: how signing out finds them.
      account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
      expires_at: expiresAt,
    };
    await this.db
      .insertInto('oauth_records')
      .values({ model, id, ...row, consumed_at: null })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(model: string, id: string, now: number): Promise<Record<string, unknown> | undefined> {
    const row = await this.db.selectFrom('oauth_records').select(['payload', 'consumed_at', 'expires_at']).where('model', '=', model).where('id', '=', id).executeTakeFirst();
    return row && live(row, now);
  }

  async findByUid(model: string, uid: string, now: number): Promise<Record<string, unknown> | undefined> {
    const row = await this.db.selectFrom('oauth_records').select(['payload', 'consumed_at', 'expires_at']).where('model', '=', model).where('uid', '=', uid).executeTakeFirst();
    return row && live(row, now);
  }

  async consume(model: string, id: string, now: number): Promise<void> {
    await this.db.updateTable('oauth_records').set({ consumed_at: now }).where('model', '=', model).where('id', '=', id).execute();
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db.deleteFrom('oauth_records').where('model', '=', model).where('id', '=', id).execute();
  }

  /** Every code and token issued under a grant, and the grant: how revoking an app's access takes effect at once. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oauth_records').where('grant_id', '=', grantId).execute();
    await this.db.deleteFrom('oauth_records').where('model', '=', 'Grant').where('id', '=', grantId).execute();
  }

  /**
   * Ends a resident's host-app codes and tokens and the authorization server's sessions for them;
   * their grants stay. Tokens are found through their grant too (older rows did not name the resident).
   */
  async endTokensOf(accountId: string): Promise<void> {
    const grants = this.db.selectFrom('oauth_records').select('id').where('model', '=', 'Grant').where('account_id', '=', accountId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oauth_records').where('model', '<>', 'Grant').where('grant_id', 'in', grants).execute();
      await trx.deleteFrom('oauth_records').where('model', '<>', 'Grant').where('account_id', '=', accountId).execute();
    });
  }

  /** A resident's live grants to host apps. */
  async grantsOf(accountId: string, now: number): Promise<{ id: string; payload: Record<string, unknown> }[]> {
    const rows = await this.db.selectFrom('oauth_records').select(['id', 'payload', 'consumed_at', 'expires_at']).where('model', '=', 'Grant').where('account_id', '=', accountId).execute();
    return rows.flatMap((r) => {
      const payload = live(r, now);
      return payload ? [{ id: r.id, payload }] : [];
    });
  }

  /** Deletes expired records: what a scheduled job runs. */
  async purgeExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('oauth_records').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function live(row: { payload: string; consumed_at: number | null; expires_at: number | null }, now: number): Record<string, unknown> | undefined {
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  // oidc-provider reads `consumed` (epoch seconds) to refuse a code used twice.
  return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
}
