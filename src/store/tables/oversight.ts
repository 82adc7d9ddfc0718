import type { ColumnType } from 'kysely';

/** The tables of oversight: appeals, corrections, identity reclaims, sunsets. */

export interface AppealsTable {
  id: string;
  resident_id: string;
  /** The colour appealed against, and the rules that fired (JSON), as the resident saw them. */
  colour: string;
  fired: string;
  message: string;
  status: string;
  response: string | null;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  /** When an answer is due; null for appeals filed before deadlines existed. */
  due_at: number | null;
  /** When it went past its deadline unanswered and was escalated. */
  escalated_at: number | null;
  /** The correction proposed from it when an officer upheld it (0027). */
  correction_id: string | null;
  /** The colour the resident says is right, if they said (0027). */
  colour_asked: string | null;
}

export interface CorrectionsTable {
  id: string;
  resident_id: string;
  colour: string;
  reason: string;
  /** Encrypted: the authority's words to the resident. */
  note: string;
  /** pending (awaiting a second authority), active, rejected, ended. */
  status: string;
  expires_at: number;
  proposed_by: string;
  proposed_at: number;
  /** Who approved or rejected it, and when. */
  decided_by: string | null;
  decided_at: number | null;
  ended_by: string | null;
  ended_at: number | null;
}

export interface IdentityReclaimsTable {
  id: string;
  /** Blind index of the identity document claimed. */
  id_index: string;
  /** Encrypted JSON: the claimant's registration (name, document, phone, address). */
  claim_enc: string;
  /** For a household member: the resident who claims for them. */
  guardian_id: string | null;
  relationship: string | null;
  status: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  /** authority-record or in-person: how the authority checked who holds the document. */
  method: string | null;
  /** The account created for the claimant on approval. */
  resident_id: string | null;
  /** A household member added while the claim waits, holding no identity until it is approved. */
  dependent_id: string | null;
  /** The authority who proposed approval; another must approve. */
  proposed_by: string | null;
  proposed_at: number | null;
  /** JSON { method, document, reference }: what the proposing officer checked, and where. */
  proposal_evidence: string | null;
  /** JSON { method, document, reference }: what the approving officer checked. */
  approval_evidence: string | null;
}

export interface SunsetsTable {
  id: string;
  /** The region whose personal data is destroyed: a district, city or province code. */
  region: string;
  /**
   * requested, approved, erased (its data deleted and overwritten, committed), keys-destroyed, done
   * (report published): each step committed before the next begins (sunset-store.ts).
   */
  status: string;
  requested_by: string;
  requested_at: number;
  approved_by: string | null;
  approved_at: number | null;
  done_at: number | null;
  /** JSON: the destruction report; and the same, signed (COSE_Sign1, base64). */
  report: string | null;
  signed_report: string | null;
  /** JSON, from the erased step on: rows deleted per table, and the residents whose fields were overwritten. */
  deleted: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON, from the erased step on: the district keys to destroy, as { region, kid }. */
  keys: ColumnType<string | null, string | null | undefined, string | null>;
  erased_at: ColumnType<number | null, number | null | undefined, number | null>;
  keys_destroyed_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface OversightTables {
  appeals: AppealsTable;
  corrections: CorrectionsTable;
  identity_reclaims: IdentityReclaimsTable;
  sunsets: SunsetsTable;
}
