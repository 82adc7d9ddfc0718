import type { Kysely } from 'kysely';
import { CompiledLists } from './compiled-query.js';
import type { Engine } from './database.js';
import type { Database } from './schema.js';

/** Residents per statement: well under both engines' limits on bound values. */
const ROWS_PER_STATEMENT = 500;

type Ids = readonly string[];

/**
 * The three statements compiled once per number of residents (CompiledLists), for a store that runs
 * them on every declaration: building them cost a declaration more than running them. One per store,
 * as the SQL is its database's dialect.
 */
export const factsVersionStatements = (engine: Engine) => ({
  changed: changeStatement(),
  read: readStatement(),
  locked: new CompiledLists(0, (ids, _, db: Kysely<Database>) => {
    const query = db.selectFrom('residents').select(['id', 'facts_version']).where('id', 'in', ids as Ids).orderBy('id');
    return (engine === 'postgres' ? query.forNoKeyUpdate() : query).compile();
  }),
});

/** Raising the versions, compiled once (see factsVersionStatements). */
export const changeStatement = () =>
  new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db
      .updateTable('residents')
      .set((eb) => ({ facts_version: eb('facts_version', '+', 1) }))
      .where('id', 'in', ids as Ids)
      .compile(),
  );

/** Reading the versions, compiled once (see factsVersionStatements). */
export const readStatement = () => new CompiledLists(0, (ids, _, db: Kysely<Database>) => db.selectFrom('residents').select(['id', 'facts_version']).where('id', 'in', ids as Ids).compile());

export type FactsVersionStatements = ReturnType<typeof factsVersionStatements>;

/**
 * Tells every re-decision of these residents in flight that their facts changed: called by every
 * write to a resident's facts, after the write and in its transaction, so a re-decision that read
 * the facts before it saves nothing (`lockedFactsVersions`).
 */
export async function factsChanged(db: Kysely<Database>, residentIds: readonly string[], statements?: Pick<FactsVersionStatements, 'changed'>): Promise<void> {
  const ids = [...new Set(residentIds)].sort();
  const { changed } = statements ?? { changed: changeStatement() };
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) await changed.run(db, ids.slice(i, i + ROWS_PER_STATEMENT));
}

/** The residents' facts versions now; read before their facts, it is what a save of what they decide is conditional on. */
export async function factsVersions(db: Kysely<Database>, residentIds: readonly string[], statements?: Pick<FactsVersionStatements, 'read'>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const { read } = statements ?? { read: readStatement() };
  for (let i = 0; i < residentIds.length; i += ROWS_PER_STATEMENT) {
    for (const r of await read.run(db, residentIds.slice(i, i + ROWS_PER_STATEMENT))) out.set(r.id, r.facts_version);
  }
  return out;
}

/**
 * The residents' facts versions, each row held until the transaction ends: a write to their facts
 * waits for it (PostgreSQL's row lock; SQLite has one writer), so what the transaction then saves
 * is over facts no write has changed since. The lock leaves the rows' keys shared, so rows that
 * refer to a resident (a declaration, a check-in) are still inserted meanwhile.
 */
export async function lockedFactsVersions(trx: Kysely<Database>, engine: Engine, residentIds: readonly string[], statements?: FactsVersionStatements): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  // In one order, so that two savers of overlapping residents wait for each other rather than deadlock.
  const ids = [...new Set(residentIds)].sort();
  const { locked } = statements ?? factsVersionStatements(engine);
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    for (const r of await locked.run(trx, ids.slice(i, i + ROWS_PER_STATEMENT))) out.set(r.id, r.facts_version);
  }
  return out;
}
