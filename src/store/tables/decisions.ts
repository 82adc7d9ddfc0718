import type { Generated } from 'kysely';

/** The tables of decisions: rule sets, authority records (risk areas, facts, travel records), decisions, current status, the re-decision queue. */

export interface RuleSetsTable {
  region: string;
  version: number;
  published_at: number;
  /** The rule set as published, JSON. */
  body: string;
}

export interface RiskAreasTable {
  id: string;
  region_code: string | null;
  country_code: string | null;
  level: string;
  valid_from: number;
  valid_to: number | null;
  source: string;
  updated_at: number;
}

export interface AuthorityFactsTable {
  id: string;
  resident_id: string;
  kind: string;
  value: string;
  detail: string;
  occurred_at: number;
  source: string;
  recorded_at: number;
}

export interface TravelRecordsTable {
  id: string;
  resident_id: string;
  region_code: string | null;
  country_code: string | null;
  arrival: number;
  departure: number;
  source: string;
  carrier_ref: string | null;
  recorded_at: number;
}

export interface DecisionsTable {
  id: string;
  resident_id: string;
  decided_at: number;
  colour: string;
  mark: string | null;
  rule_set_region: string;
  rule_set_version: number;
  /** JSON: the fired rules with their evidence. */
  fired: string;
  green_on: number | null;
  cause: string;
  /** Recording order, filled by the database: breaks ties between decisions of the same millisecond. */
  seq: Generated<number>;
}

export interface ResidentStatusTable {
  resident_id: string;
  colour: string;
  mark: string | null;
  decided_at: number;
  green_on: number | null;
  rule_set_region: string;
  rule_set_version: number;
  fired_ids: string;
  /** The next instant at which time alone could change the decision; null or past: decide again. */
  valid_until: number | null;
  /** The whole decision, JSON, as a code view serves it. */
  decision: string | null;
  masked_name: string | null;
  /** The resident's home region when decided: which region's key signs their code. */
  region: string | null;
}

export interface RedecisionQueueTable {
  resident_id: string;
  cause: string;
  queued_at: number;
}

export interface DecisionsTables {
  rule_sets: RuleSetsTable;
  risk_areas: RiskAreasTable;
  authority_facts: AuthorityFactsTable;
  travel_records: TravelRecordsTable;
  decisions: DecisionsTable;
  resident_status: ResidentStatusTable;
  redecision_queue: RedecisionQueueTable;
}
