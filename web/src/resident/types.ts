import type { Appeal, AuditEntry, CodeView, DependentSummary, FiredRule, ResidentSummary as ServerResidentSummary } from '../../../src/http/api-types.js';

/** What the resident app reads from the API: the server's own response types (src/http/api-types.ts). */
export type { Appeal, AuditEntry, CodeView, DependentSummary, FiredRule };

/** A resident as the API shows them (masked), with the relationship when a dependent. */
export type ResidentSummary = ServerResidentSummary & { relationship?: string };
