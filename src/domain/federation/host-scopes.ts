/**
 * What a host app may be allowed, and exactly which fields each scope sends it. One list, read by
 * the host API (which sends these fields and no others) and by the consent screen (which names these
 * fields and no others), so what the resident is shown is what the app gets.
 */
export const HOST_SCOPES = ['code:read', 'declarations:write', 'travel-card:read'] as const;
export type HostScope = (typeof HOST_SCOPES)[number];

export const HOST_SCOPE_FIELDS = {
  // The code as a checkpoint sees it, for the app to render its own QR: never the rules' evidence
  // (symptoms, temperature, contacts, stays), which stays between the resident and this operator.
  'code:read': ['colour', 'mark', 'maskedName', 'token', 'issuedAt', 'expiresAt'],
  // The travel card is its stays: the card is what the resident asked the app to show.
  'travel-card:read': ['maskedName', 'days', 'stays', 'token', 'issuedAt', 'expiresAt'],
  // Sends what the resident enters in the app; the answer is that declaration, back.
  'declarations:write': [],
} as const satisfies Record<HostScope, readonly string[]>;

export type HostField<S extends HostScope> = (typeof HOST_SCOPE_FIELDS)[S][number];

export function isHostScope(scope: string): scope is HostScope {
  return (HOST_SCOPES as readonly string[]).includes(scope);
}

/** The fields a scope sends, taken from a fuller view: anything not listed for the scope is left behind. */
export function onlyScopeFields<S extends HostScope, T extends Record<HostField<S>, unknown>>(scope: S, view: T): Pick<T, HostField<S>> {
  const fields: readonly string[] = HOST_SCOPE_FIELDS[scope];
  return Object.fromEntries(fields.map((f) => [f, view[f as HostField<S>]])) as Pick<T, HostField<S>>;
}
