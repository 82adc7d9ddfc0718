import type { Kysely } from 'kysely';
import type { Engine } from './database.js';
import type { Database } from './schema.js';

/** Residents per statement: well under both engines' limits on bound values. */
const ROWS_PER_STATEMENT = 500;

/**
 * Tells every re-decision of these residents in flight that their facts changed: called by every
 * write to a resident's facts, after the write and in its transaction, so a re-decision that read
 * the facts before it saves nothing (`lockedFactsVersions`).
 */
export async function factsChanged(db: Kysely<Database>, residentIds: readonly string[]): Promise<void> {
  const ids = [...new Set(residentIds)].sort();
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    await db
      .updateTable('residents')
      .set((eb) => ({ facts_version: eb('facts_version', '+', 1) }))
      .where('id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
  }
}

/** The residents' facts versions now; read before their facts, it is what a save of what they decide is conditional on. */
export async function factsVersions(db: Kysely<Database>, residentIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < residentIds.length; i += ROWS_PER_STATEMENT) {
    const rows = await db.selectFrom('residents').select(['id', 'facts_version']).where('id', 'in', residentIds.slice(i, i + ROWS_PER_STATEMENT)).execute();
    for (const r of rows) out.set(r.id, r.facts_version);
  }
  return out;
}

/**
 * The residents' facts versions, each row held until the transaction ends: a write to their facts
 * waits for it (PostgreSQL's row lock; SQLite has one writer), so what the transaction then saves
 * is over facts no write has changed since. The lock leaves the rows' keys shared, so rows that
 * refer to a resident (a declaration, a check-in) are still inserted meanwhile.
 */
export async function lockedFactsVersions(trx: Kysely<Database>, engine: Engine, residentIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  // In one order, so that two savers of overlapping residents wait for each other rather than deadlock.
  const ids = [...new Set(residentIds)].sort();
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    let query = trx.selectFrom('residents').select(['id', 'facts_version']).where('id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT)).orderBy('id');
    if (engine === 'postgres') query = query.forNoKeyUpdate();
    for (const r of await query.execute()) out.set(r.id, r.facts_version);
  }
  return out;
}
