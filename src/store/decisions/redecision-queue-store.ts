import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Entries per statement: a re-decision's chunk of a thousand taken off the queue in one delete (3,000 bound values at most). */
const ROWS_PER_STATEMENT = 1000;

export interface QueuedRedecision {
  residentId: string;
  cause: string;
  queuedAt: number;
}

/**
 * Residents whose facts changed and whose colour must be decided again: written in the same
 * transaction as the change, removed once the decision is recorded. A crash between the two leaves
 * the entry behind, and the next drain decides it; nobody is left without a colour.
 */
export class RedecisionQueueStore {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Transaction<Database>): RedecisionQueueStore {
    return new RedecisionQueueStore(trx);
  }

  /**
   * Queues the residents, and stops serving their stored decisions: until the drain decides them, a
   * code view decides afresh (the new fact is in the same transaction), so a drain that is slow (a
   * large listing) or cut short (a crash) never leaves an old colour served. The caller announces the
   * residents on the change feed, so other processes drop the codes they keep.
   */
  async enqueue(residentIds: string[], cause: string, now: number): Promise<void> {
    for (let i = 0; i < residentIds.length; i += ROWS_PER_STATEMENT) {
      const part = [...new Set(residentIds.slice(i, i + ROWS_PER_STATEMENT))];
      if (part.length === 0) continue;
      await this.db
        .insertInto('redecision_queue')
        .values(part.map((id) => ({ resident_id: id, cause, queued_at: now })))
        .onConflict((oc) => oc.column('resident_id').doUpdateSet({ cause, queued_at: now }))
        .execute();
      await this.db.updateTable('resident_status').set({ valid_until: 0 }).where('resident_id', 'in', part).execute();
    }
  }

  /** The oldest entries, or those of `residentIds`. */
  async take(limit: number, residentIds?: string[]): Promise<QueuedRedecision[]> {
    let query = this.db.selectFrom('redecision_queue').selectAll().orderBy('queued_at').limit(limit);
    if (residentIds !== undefined) {
      if (residentIds.length === 0) return [];
      query = query.where('resident_id', 'in', residentIds);
    }
    return (await query.execute()).map((r) => ({ residentId: r.resident_id, cause: r.cause, queuedAt: r.queued_at }));
  }

  /** Removes entries that were decided, unless queued again since they were taken. */
  async remove(entries: QueuedRedecision[]): Promise<void> {
    // Entries queued together share their instant: one IN list per instant, not a disjunction per entry.
    const byInstant = new Map<number, string[]>();
    for (const e of entries) {
      const ids = byInstant.get(e.queuedAt);
      if (ids) ids.push(e.residentId);
      else byInstant.set(e.queuedAt, [e.residentId]);
    }
    for (const [queuedAt, ids] of byInstant) {
      for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
        await this.db.deleteFrom('redecision_queue').where('queued_at', '=', queuedAt).where('resident_id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT)).execute();
      }
    }
  }

  /** When the entry waiting longest was queued; null when the queue is empty. */
  async oldestQueuedAt(): Promise<number | null> {
    const row = await this.db.selectFrom('redecision_queue').select((eb) => eb.fn.min('queued_at').as('oldest')).executeTakeFirst();
    return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  }

  async size(): Promise<number> {
    const row = await this.db.selectFrom('redecision_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
