import type { Kysely, Selectable } from 'kysely';
import type { ColourNoticesTable, Database } from '../schema.js';

export type ColourNoticeRow = Selectable<ColourNoticesTable>;

/**
 * Notices of colour changes waiting to be sent (queued by DecisionsStore.save, in the transaction
 * that records the change). A sender claims one for a lease, sends, and marks it sent; a sender
 * that died mid-way leaves its claim to expire, and the next sweep sends it.
 */
export class NoticesStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Claims unsent notices until `until`: those named, or else the oldest `limit`. Each row is claimed
   * by one statement that checks it is unsent and unclaimed, so two senders never both hold it.
   */
  async claim(now: number, until: number, limit: number, ids?: string[]): Promise<ColourNoticeRow[]> {
    if (ids !== undefined && ids.length === 0) return [];
    let candidates = this.db.selectFrom('colour_notices').select('id').where('sent_at', 'is', null).where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
    candidates = ids === undefined ? candidates.orderBy('created_at').limit(limit) : candidates.where('id', 'in', ids);
    const found = (await candidates.execute()).map((r) => r.id);
    if (found.length === 0) return [];
    return this.db
      .updateTable('colour_notices')
      .set({ claimed_until: until })
      .where('id', 'in', found)
      .where('sent_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returningAll()
      .execute();
  }

  async markSent(id: string, now: number, recipients: number): Promise<void> {
    await this.db.updateTable('colour_notices').set({ sent_at: now, recipients, claimed_until: null }).where('id', '=', id).execute();
  }

  /** A send failed: the notice waits for the next sweep. */
  async release(id: string): Promise<void> {
    await this.db.updateTable('colour_notices').set({ claimed_until: null }).where('id', '=', id).where('sent_at', 'is', null).execute();
  }

  async ofResident(residentId: string): Promise<ColourNoticeRow[]> {
    return this.db.selectFrom('colour_notices').selectAll().where('resident_id', '=', residentId).orderBy('created_at').execute();
  }
}
