import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, TracesTable } from '../schema.js';

/** Traces as opened: the case, the window, the grant and purpose, and the result (JSON). */
export class TracesStore {
  constructor(private readonly db: Kysely<Database>) {}

  withTransaction(trx: Transaction<Database>): TracesStore {
    return new TracesStore(trx);
  }

  async insert(row: Selectable<TracesTable>): Promise<void> {
    await this.db.insertInto('traces').values(row).execute();
  }

  async findById(id: string): Promise<Selectable<TracesTable> | undefined> {
    return this.db.selectFrom('traces').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Marks an open trace confirmed; false if it was confirmed first by someone else. */
  async confirm(id: string, at: number): Promise<boolean> {
    const result = await this.db.updateTable('traces').set({ status: 'confirmed', confirmed_at: at }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The traces opened for a case, newest first, without their results: what its timeline lists. */
  async ofCase(caseResidentId: string): Promise<{ id: string; window_from: number; window_to: number; status: string; created_at: number; purpose: string }[]> {
    return this.db.selectFrom('traces').select(['id', 'window_from', 'window_to', 'status', 'created_at', 'purpose']).where('case_resident_id', '=', caseResidentId).orderBy('created_at', 'desc').limit(50).execute();
  }
}
