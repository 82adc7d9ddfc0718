import type { Kysely, Selectable } from 'kysely';
import type { Decision } from '../domain/rules/decide.js';
import type { Database, DecisionsTable, ResidentStatusTable } from './schema.js';

/** What tells two decisions apart for the record: colour, mark, the rules that fired and the rule set. */
export const firedIds = (decision: Decision) => decision.rules.map((r) => `${r.id}@${r.version}:${r.status}`).join(',');

export type ResidentStatus = Selectable<ResidentStatusTable>;

/**
 * Colour decisions: every change of a resident's colour (`decisions`, numbered in recording order),
 * and each resident's current one (`resident_status`), written together.
 */
export class DecisionsStore {
  constructor(private readonly db: Kysely<Database>) {}

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

  /** Records changed decisions and makes them the residents' current ones, in one transaction. */
  async record(changed: { residentId: string; decision: Decision; id: string }[], cause: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < changed.length; i += 200) {
        const part = changed.slice(i, i + 200);
        await trx
          .insertInto('decisions')
          .values(
            part.map(({ residentId, decision, id }) => ({
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
        for (const { residentId, decision } of part) {
          const status = {
            colour: decision.colour,
            mark: decision.mark,
            decided_at: decision.evaluatedAt,
            green_on: decision.greenOn,
            rule_set_region: decision.ruleSet.region,
            rule_set_version: decision.ruleSet.version,
            fired_ids: firedIds(decision),
          };
          await trx
            .insertInto('resident_status')
            .values({ resident_id: residentId, ...status })
            .onConflict((oc) => oc.column('resident_id').doUpdateSet(status))
            .execute();
        }
      }
    });
  }

  /** A resident's decisions, newest first. */
  async history(residentId: string, limit?: number): Promise<Selectable<DecisionsTable>[]> {
    let query = this.db.selectFrom('decisions').selectAll().where('resident_id', '=', residentId).orderBy('seq', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    return query.execute();
  }

  /** Residents whose stored colour should have turned by now (their greenOn has passed). */
  async dueBy(now: number, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('resident_status').select('resident_id').where('green_on', '<=', now).where('colour', '!=', 'green').limit(limit).execute();
    return rows.map((r) => r.resident_id);
  }
}
