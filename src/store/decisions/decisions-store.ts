import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Decision } from '../../domain/rules/decide.js';
import type { ChangeFeed } from '../change-feed.js';
import type { Database, DecisionsTable, ResidentStatusTable } from '../schema.js';

/** What tells two decisions apart for the record: colour, mark, the rules that fired and the rule set. */
export const firedIds = (decision: Decision) => decision.rules.map((r) => `${r.id}@${r.version}:${r.status}`).join(',');

export type ResidentStatus = Selectable<ResidentStatusTable>;

/**
 * The residents of `part` whose stored colour this transaction changes, each with a notice queued.
 * The colour is set where it differs, row by row, before the rows are replaced: of two transactions
 * deciding the same change at once, the second waits for the first's row lock (PostgreSQL) or its
 * turn (SQLite) and then finds the colour already set, so the change is told once. A resident's
 * first decision is no change: they had no colour before.
 */
async function queueColourNotices(trx: Transaction<Database>, part: CurrentDecision[], newId: () => string, now: number): Promise<string[]> {
  const byColour = new Map<string, CurrentDecision[]>();
  for (const d of part) byColour.set(d.decision.colour, [...(byColour.get(d.decision.colour) ?? []), d]);
  const queued: string[] = [];
  for (const [colour, group] of byColour) {
    const changed = await trx
      .updateTable('resident_status')
      .set({ colour })
      .where('resident_id', 'in', group.map((d) => d.residentId))
      .where('colour', '!=', colour)
      .returning('resident_id')
      .execute();
    if (changed.length === 0) continue;
    const ids = new Set(changed.map((r) => r.resident_id));
    const rows = group.filter((d) => ids.has(d.residentId)).map(({ residentId, decision }) => ({
      id: newId(),
      resident_id: residentId,
      colour: decision.colour,
      fired: JSON.stringify(decision.rules),
      green_on: decision.greenOn,
      created_at: now,
    }));
    await trx.insertInto('colour_notices').values(rows).execute();
    queued.push(...rows.map((r) => r.id));
  }
  return queued;
}

/** A decision as kept for a resident: what a code view serves until `validUntil`. */
export interface CurrentDecision {
  id: string;
  residentId: string;
  decision: Decision;
  validUntil: number;
  maskedName: string;
  region: string;
  /** It differs from the previous one in what the history records. */
  changed: boolean;
}

/**
 * Colour decisions: every change of a resident's colour (`decisions`, numbered in recording order),
 * and each resident's current one (`resident_status`), written together.
 */
export class DecisionsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: ChangeFeed,
  ) {}

  async statusOf(ids: string[]): Promise<Map<string, ResidentStatus>> {
    const map = new Map<string, ResidentStatus>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) map.set(r.resident_id, r);
    }
    return map;
  }

  async colourOf(residentId: string): Promise<string | null> {
    return (await this.db.selectFrom('resident_status').select('colour').where('resident_id', '=', residentId).executeTakeFirst())?.colour ?? null;
  }

  /**
   * Makes decisions the residents' current ones (with what a code view needs), and records in the
   * history those that changed the colour, mark, rules or rule set; in one transaction, which tells
   * every process the residents' codes changed.
   */
  async save(decided: CurrentDecision[], cause: string, newId: () => string, now: number): Promise<string[]> {
    return this.changes.commit(this.db, { kind: 'decisions', residentIds: decided.map((d) => d.residentId) }, async (trx) => {
      const notices: string[] = [];
      for (let i = 0; i < decided.length; i += 200) {
        const part = decided.slice(i, i + 200);
        notices.push(...(await queueColourNotices(trx, part, newId, now)));
        const changed = part.filter((d) => d.changed);
        if (changed.length > 0) {
          await trx
          .insertInto('decisions')
          .values(
            changed.map(({ residentId, decision, id }) => ({
              id,
              resident_id: residentId,
              decided_at: decision.evaluatedAt,
              colour: decision.colour,
              mark: decision.mark,
              rule_set_region: decision.ruleSet.region,
              rule_set_version: decision.ruleSet.version,
              fired: JSON.stringify(decision.rules),
              green_on: decision.greenOn,
              cause,
            })),
          )
          .execute();
        }
        // One statement for the part: a row per resident, replacing what was there.
        await trx
          .insertInto('resident_status')
          .values(
            part.map(({ residentId, decision, validUntil, maskedName, region }) => ({
              resident_id: residentId,
              colour: decision.colour,
              mark: decision.mark,
              decided_at: decision.evaluatedAt,
              green_on: decision.greenOn,
              rule_set_region: decision.ruleSet.region,
              rule_set_version: decision.ruleSet.version,
              fired_ids: firedIds(decision),
              valid_until: validUntil,
              decision: JSON.stringify(decision),
              masked_name: maskedName,
              region,
            })),
          )
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
              masked_name: eb.ref('excluded.masked_name'),
              region: eb.ref('excluded.region'),
            })),
          )
          .execute();
      }
      return notices;
    });
  }

  /** A resident's decisions, newest first. */
  async history(residentId: string, limit?: number): Promise<Selectable<DecisionsTable>[]> {
    let query = this.db.selectFrom('decisions').selectAll().where('resident_id', '=', residentId).orderBy('seq', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    return query.execute();
  }

  /** Residents whose stored decision time alone may have changed by now (or that predate `valid_until`). */
  async dueBy(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('resident_status')
      .select('resident_id')
      .where((eb) => eb.or([eb('valid_until', '<=', now), eb('valid_until', 'is', null)]))
      .orderBy('valid_until')
      .limit(limit)
      .execute();
    return rows.map((r) => r.resident_id);
  }

  /** A resident's current decision as stored, if any: one indexed read. */
  async current(residentId: string): Promise<ResidentStatus | undefined> {
    return this.db.selectFrom('resident_status').selectAll().where('resident_id', '=', residentId).executeTakeFirst();
  }

  /** Something a decision reads changed outside the facts (a phone proven, a document revoked): decide again on next use. */
  async invalidate(residentIds: string[]): Promise<void> {
    if (residentIds.length === 0) return;
    await this.changes.commit(this.db, { kind: 'decisions', residentIds }, async (trx) => {
      for (let i = 0; i < residentIds.length; i += 500) {
        await trx.updateTable('resident_status').set({ valid_until: 0 }).where('resident_id', 'in', residentIds.slice(i, i + 500)).execute();
      }
    });
  }
}
