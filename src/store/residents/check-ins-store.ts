import type { Kysely, Selectable } from 'kysely';
import type { CheckInsTable, Database } from '../schema.js';
import { factsChanged } from '../facts-version.js';

export interface CheckInRow {
  date: string;
  at: number;
  temperature: number | null;
  symptoms: string[];
}

/** A stored row as the reading it records. */
const asReading = (c: Selectable<CheckInsTable>): CheckInRow => ({ date: c.local_date, at: c.at, temperature: c.temperature, symptoms: JSON.parse(c.symptoms) as string[] });

/** Quarantine check-ins, kept as taken: a resident may measure again the same day, each reading a row of its own. */
export class CheckInsStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** A reading added, never one replaced: an earlier reading of the day stays as it was. Re-decisions in flight are told (factsChanged). */
  async insert(c: { id: string; residentId: string; date: string; at: number; temperature: number; symptoms: string[] }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('check_ins')
        .values({ id: c.id, resident_id: c.residentId, local_date: c.date, at: c.at, temperature: c.temperature, symptoms: JSON.stringify(c.symptoms) })
        .execute();
      await factsChanged(trx, [c.residentId]);
    });
  }

  async ofResident(residentId: string): Promise<CheckInRow[]> {
    const rows = await this.db.selectFrom('check_ins').selectAll().where('resident_id', '=', residentId).orderBy('at').execute();
    return rows.map(asReading);
  }

  /** A resident's readings of one local calendar day, oldest first. */
  async ofDay(residentId: string, date: string): Promise<CheckInRow[]> {
    const rows = await this.db.selectFrom('check_ins').selectAll().where('resident_id', '=', residentId).where('local_date', '=', date).orderBy('at').orderBy('id').execute();
    return rows.map(asReading);
  }

  async deleteBefore(cutoff: number): Promise<number> {
    return Number((await this.db.deleteFrom('check_ins').where('at', '<', cutoff).executeTakeFirst()).numDeletedRows);
  }
}
