import type { OAuthStore } from '../../store/federation/oauth-store.js';

/**
 * oidc-provider's adapter over the database. Its own clock (real time) decides expiry, so the adapter
 * uses real time too. Host apps are its `Client` model, read from their own table.
 */
export function oauthAdapter(store: OAuthStore) {
  return class DatabaseAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      await store.upsert(this.model, id, payload, expiresIn ? Date.now() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      if (this.model === 'Client') {
        const app = await store.app(id);
        return (
          app && {
            client_id: app.client_id,
            client_name: app.name,
            redirect_uris: JSON.parse(app.redirect_uris) as string[],
            scope: (JSON.parse(app.scopes) as string[]).join(' '),
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code'],
            response_types: ['code'],
          }
        );
      }
      return store.find(this.model, id, Date.now());
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return store.findByUid(this.model, uid, Date.now());
    }

    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      await store.consume(this.model, id, Date.now());
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}
