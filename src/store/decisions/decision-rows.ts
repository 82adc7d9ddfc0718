import type { Kysely } from 'kysely';
import type { Decision } from '../../domain/rules/decide.js';
import { CompiledLists } from '../compiled-query.js';
import type { Database } from '../schema.js';

/** What tells two decisions apart for the record: colour, mark, the rules that fired and the rule set. */
export const firedIds = (decision: Decision) => decision.rules.map((r) => `${r.id}@${r.version}:${r.status}`).join(',');

/** A decision's text as the tables keep it. */
export interface EncodedDecision {
  decision: string;
  fired: string;
  firedIds: string;
}

/**
 * Decisions encoded once each, however many residents share one (a batch evaluates equal facts once:
 * AlikeFacts), for the length of one save: encoding was a large part of a re-decision's cost.
 */
export class DecisionEncodings {
  readonly #encoded = new Map<Decision, EncodedDecision>();

  of(decision: Decision): EncodedDecision {
    let found = this.#encoded.get(decision);
    if (found === undefined) this.#encoded.set(decision, (found = { decision: JSON.stringify(decision), fired: JSON.stringify(decision.rules), firedIds: firedIds(decision) }));
    return found;
  }
}

/** A resident's current decision as its row is written. */
export interface StatusRow {
  residentId: string;
  decision: Decision;
  validUntil: number;
  maskedName: string | null;
  region: string;
}

/** A decision recorded in a resident's history. */
export interface HistoryRow {
  id: string;
  residentId: string;
  decision: Decision;
}

const STATUS_COLUMNS = ['resident_id', 'colour', 'mark', 'decided_at', 'green_on', 'rule_set_region', 'rule_set_version', 'fired_ids', 'valid_until', 'decision', 'masked_name', 'region'] as const;
const HISTORY_COLUMNS = ['id', 'resident_id', 'decided_at', 'colour', 'mark', 'rule_set_region', 'rule_set_version', 'fired', 'green_on', 'cause'] as const;

/** Rows per statement when decisions are saved many at a time: every count up to it is compiled once. */
export const ROWS_PER_STATEMENT = 500;

/** Rows of values, in the order of `columns`, as the insert builder takes them. */
function named<C extends string>(columns: readonly C[], rows: readonly (readonly unknown[])[]): Record<C, unknown>[] {
  return rows.map((row) => Object.fromEntries(columns.map((column, c) => [column, row[c]])) as Record<C, unknown>);
}

/**
 * The statements that save decisions many rows at a time (CompiledLists, every number of rows up to
 * ROWS_PER_STATEMENT compiled once). One per store, as the SQL is its database's dialect.
 */
export class DecisionRows {
  /** Residents' current decisions, replacing what was there; a re-decision that opened no name keeps the one a served code stored. */
  readonly #status = new CompiledLists<never, readonly unknown[]>(
    0,
    (rows, _, db: Kysely<Database>) =>
      db
        .insertInto('resident_status')
        .values(named(STATUS_COLUMNS, rows) as never)
        .onConflict((oc) =>
          oc.column('resident_id').doUpdateSet((eb) => ({
            colour: eb.ref('excluded.colour'),
            mark: eb.ref('excluded.mark'),
            decided_at: eb.ref('excluded.decided_at'),
            green_on: eb.ref('excluded.green_on'),
            rule_set_region: eb.ref('excluded.rule_set_region'),
            rule_set_version: eb.ref('excluded.rule_set_version'),
            fired_ids: eb.ref('excluded.fired_ids'),
            valid_until: eb.ref('excluded.valid_until'),
            decision: eb.ref('excluded.decision'),
            masked_name: eb.fn.coalesce('excluded.masked_name', 'resident_status.masked_name'),
            region: eb.ref('excluded.region'),
          })),
        )
        .compile(),
    STATUS_COLUMNS.length,
    ROWS_PER_STATEMENT,
  );

  readonly #history = new CompiledLists<never, readonly unknown[]>(
    0,
    (rows, _, db: Kysely<Database>) =>
      db
        .insertInto('decisions')
        .values(named(HISTORY_COLUMNS, rows) as never)
        .compile(),
    HISTORY_COLUMNS.length,
    ROWS_PER_STATEMENT,
  );

  async writeStatus(db: Kysely<Database>, rows: StatusRow[], encodings: DecisionEncodings): Promise<void> {
    await this.#status.run(
      db,
      rows.map(({ residentId, decision, validUntil, maskedName, region }) => {
        const encoded = encodings.of(decision);
        return [residentId, decision.colour, decision.mark, decision.evaluatedAt, decision.greenOn, decision.ruleSet.region, decision.ruleSet.version, encoded.firedIds, validUntil, encoded.decision, maskedName, region];
      }),
    );
  }

  async writeHistory(db: Kysely<Database>, rows: HistoryRow[], cause: string, encodings: DecisionEncodings): Promise<void> {
    await this.#history.run(
      db,
      rows.map(({ id, residentId, decision }) => [id, residentId, decision.evaluatedAt, decision.colour, decision.mark, decision.ruleSet.region, decision.ruleSet.version, encodings.of(decision).fired, decision.greenOn, cause]),
    );
  }
}
