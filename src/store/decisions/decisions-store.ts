import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Decision } from '../../domain/rules/decide.js';
import type { ChangeFeed } from '../change-feed.js';
import type { Engine } from '../database.js';
import { factsChanged, factsVersionStatements, lockedFactsVersions } from '../facts-version.js';
import type { Database, DecisionsTable, ResidentStatusTable } from '../schema.js';
import { CompiledLists, compiledOnce } from '../compiled-query.js';
import { DecisionEncodings, DecisionRows, ROWS_PER_STATEMENT } from './decision-rows.js';

export { firedIds } from './decision-rows.js';

export type ResidentStatus = Selectable<ResidentStatusTable>;

/** What tells a new decision from the stored one, and the masked name kept with it: a re-decision reads no more. */
export type StatusKeys = Pick<ResidentStatus, 'resident_id' | 'colour' | 'mark' | 'fired_ids' | 'rule_set_region' | 'rule_set_version' | 'masked_name'>;

type Ids = readonly string[];

/**
 * A decision's reads and colour change, compiled once per number of residents (CompiledLists): every
 * declaration saves its resident's, and building these statements anew cost more than running them.
 */
const statusStatements = () => ({
  keysOf: new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db.selectFrom('resident_status').select(['resident_id', 'colour', 'mark', 'fired_ids', 'rule_set_region', 'rule_set_version', 'masked_name']).where('resident_id', 'in', ids as Ids).compile(),
  ),
  setColour: new CompiledLists(2, (ids, [colour, differing], db: Kysely<Database>) =>
    db
      .updateTable('resident_status')
      .set({ colour: colour as string })
      .where('resident_id', 'in', ids as Ids)
      .where('colour', '!=', differing as string)
      .returning('resident_id')
      .compile(),
  ),
});

type StatusStatements = ReturnType<typeof statusStatements>;

/**
 * The residents of `part` whose stored colour this transaction changes, each with a notice queued.
 * The colour is set where it differs, row by row, before the rows are replaced: of two transactions
 * deciding the same change at once, the second waits for the first's row lock (PostgreSQL) or its
 * turn (SQLite) and then finds the colour already set, so the change is told once. A resident's
 * first decision is no change: they had no colour before.
 */
async function queueColourNotices(trx: Transaction<Database>, statements: StatusStatements, part: CurrentDecision[], newId: () => string, now: number, encodings: DecisionEncodings): Promise<string[]> {
  const byColour = new Map<string, CurrentDecision[]>();
  for (const d of part) {
    const group = byColour.get(d.decision.colour);
    if (group) group.push(d);
    else byColour.set(d.decision.colour, [d]);
  }
  const queued: string[] = [];
  for (const [colour, group] of byColour) {
    const changed = await statements.setColour.run(trx, group.map((d) => d.residentId), [colour, colour]);
    if (changed.length === 0) continue;
    const ids = new Set(changed.map((r) => r.resident_id));
    const rows = group.filter((d) => ids.has(d.residentId)).map(({ residentId, decision }) => ({
      id: newId(),
      resident_id: residentId,
      colour: decision.colour,
      fired: encodings.of(decision).fired,
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
  /** Null until a code is first served: deciding needs no name, and opening one costs a decryption. */
  maskedName: string | null;
  region: string;
  /** It differs from the previous one in what the history records. */
  changed: boolean;
}

/**
 * Colour decisions: every change of a resident's colour (`decisions`, numbered in recording order),
 * and each resident's current one (`resident_status`), written together.
 */
export class DecisionsStore {
  readonly #rows = new DecisionRows();
  readonly #status = statusStatements();
  readonly #versions: ReturnType<typeof factsVersionStatements>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: ChangeFeed,
    private readonly engine: Engine,
  ) {
    this.#versions = factsVersionStatements(engine);
  }

  async statusOf(ids: string[]): Promise<Map<string, ResidentStatus>> {
    const map = new Map<string, ResidentStatus>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) map.set(r.resident_id, r);
    }
    return map;
  }

  /** The stored decisions' keys (not the decisions themselves, which are large): what a re-decision compares with. */
  async keysOf(ids: string[]): Promise<Map<string, StatusKeys>> {
    const map = new Map<string, StatusKeys>();
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.#status.keysOf.run(this.db, ids.slice(i, i + ROWS_PER_STATEMENT));
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
   * every process the residents' codes changed. `alongside` runs in the same transaction (taking the
   * residents off the re-decision queue, say).
   *
   * A decision is saved only over the facts it was decided from: `read` holds each resident's facts
   * version as read before their facts were, and a resident whose facts were written since is left as
   * stored (no history, no notice) and returned in `lost`, to be decided again from fresh facts.
   */
  async save(decided: CurrentDecision[], cause: string, newId: () => string, now: number, read: ReadonlyMap<string, number>, alongside?: (trx: Transaction<Database>) => Promise<void>): Promise<{ queued: string[]; lost: string[] }> {
    return this.changes.commit(this.db, { kind: 'decisions', residentIds: decided.map((d) => d.residentId) }, async (trx) => {
      const queued: string[] = [];
      const versions = await lockedFactsVersions(trx, this.engine, decided.map((d) => d.residentId), this.#versions);
      const lost: string[] = [];
      const saved = decided.filter((d) => {
        const over = versions.get(d.residentId) === read.get(d.residentId) && versions.has(d.residentId);
        if (!over) lost.push(d.residentId);
        return over;
      });
      const encodings = new DecisionEncodings();
      // A resident deleted since their facts were read has no version: lost, and skipped when decided again.
      for (let i = 0; i < saved.length; i += ROWS_PER_STATEMENT) {
        const part = saved.slice(i, i + ROWS_PER_STATEMENT);
        queued.push(...(await queueColourNotices(trx, this.#status, part, newId, now, encodings)));
        const changed = part.filter((d) => d.changed);
        if (changed.length > 0) await this.#rows.writeHistory(trx, changed, cause, encodings);
        // One statement for the part: a row per resident, replacing what was there.
        await this.#rows.writeStatus(trx, part, encodings);
      }
      await alongside?.(trx);
      return { queued, lost };
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

  /** Read on every code view not in memory: compiled once. */
  readonly #current = compiledOnce(() => this.db, 1, (residentId: string) => this.db.selectFrom('resident_status').selectAll().where('resident_id', '=', residentId));

  /** A resident's current decision as stored, if any: one indexed read. */
  async current(residentId: string): Promise<ResidentStatus | undefined> {
    const [row] = await this.#current(residentId);
    return row;
  }

  /** Keeps the masked name a served code showed with the resident's current decision, where none is kept yet. */
  async keepMaskedName(residentId: string, maskedName: string): Promise<void> {
    await this.db.updateTable('resident_status').set({ masked_name: maskedName }).where('resident_id', '=', residentId).where('masked_name', 'is', null).execute();
  }

  /** Something a decision reads changed outside the facts (a phone proven, a document revoked): decide again on next use. */
  async invalidate(residentIds: string[]): Promise<void> {
    if (residentIds.length === 0) return;
    await this.changes.commit(this.db, { kind: 'decisions', residentIds }, async (trx) => {
      // A re-decision in flight read the facts before this: it must not save over them.
      await factsChanged(trx, residentIds);
      for (let i = 0; i < residentIds.length; i += 500) {
        await trx.updateTable('resident_status').set({ valid_until: 0 }).where('resident_id', 'in', residentIds.slice(i, i + 500)).execute();
      }
    });
  }
}
