import type { ColumnType } from 'kysely';

/** The tables of federation: members and their keys, national lists, fact grants, visitors, host apps and their OAuth records. */

export interface FederationMembersTable {
  id: string;
  name: string;
  /** JSON array of region codes the member serves. */
  regions: string;
  url: string;
  contact: string;
  /** The member's operator key (raw Ed25519, base64url) its trust list must be signed with. */
  operator_key: string | null;
  added_at: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  list_generated_at: number | null;
  list_expires_at: number | null;
  /** JSON: the keys of the member's last trust list that verified. */
  keys: ColumnType<string, string | undefined, string>;
  /** JSON: key ids the member revoked, with when (only its own keys: the hub drops the rest). */
  revoked: ColumnType<string, string | undefined, string>;
  /** What the hub did not take from the member's last list, though it took the list (0021). */
  notice: string | null;
}

/** Which member serves a region: one, by the primary key (0021). */
export interface FederationMemberRegionsTable {
  region: string;
  member_id: string;
}

/** Which member published a key id: one, by the primary key; only it may revoke that key (0021). */
export interface FederationMemberKidsTable {
  kid: string;
  member_id: string;
  first_seen_at: number;
}

export interface NationalListsTable {
  sequence: number;
  issued_at: number;
  expires_at: number;
  /** The signed list, base64url. */
  document: string;
}

export interface NationalListCacheTable {
  hub_url: string;
  hub_key: string;
  sequence: number | null;
  expires_at: number | null;
  document: string | null;
  fetched_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
}

export interface FactGrantsTable {
  id: string;
  resident_id: string;
  audience: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface VisitorLinksTable {
  resident_id: string;
  home_operator: string;
  home_subject: string;
  linked_at: number;
  bundle_issued_at: number;
}

export interface HostAppsTable {
  client_id: string;
  name: string;
  /** JSON array of the redirect URIs registered. */
  redirect_uris: string;
  /** JSON array of the scopes the app may ask for. */
  scopes: string;
  created_at: number;
  revoked_at: number | null;
}

export interface OAuthRecordsTable {
  /** oidc-provider's model name: Session, Interaction, AuthorizationCode, AccessToken, Grant, … */
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  /** The resident a Grant is for: what "Me" lists. */
  account_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface FederationTables {
  federation_members: FederationMembersTable;
  federation_member_regions: FederationMemberRegionsTable;
  federation_member_kids: FederationMemberKidsTable;
  national_lists: NationalListsTable;
  national_list_cache: NationalListCacheTable;
  fact_grants: FactGrantsTable;
  visitor_links: VisitorLinksTable;
  host_apps: HostAppsTable;
  oauth_records: OAuthRecordsTable;
}
