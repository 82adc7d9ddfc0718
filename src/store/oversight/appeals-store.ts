import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import type { AppealsTable, Database } from '../schema.js';

/** The encryption context of an appeal's message: it decrypts only as that appeal's message. */
export const appealMessageContext = (appealId: string) => `appeal:${appealId}:message`;

/** An appeal with its message decrypted. */
export type AppealRow = Omit<Selectable<AppealsTable>, 'message'> & { message: string };

/** Past its deadline at `now`: due before it, or, filed before deadlines existed, filed more than `deadlineMs` before. */
const pastDeadline = (now: number, deadlineMs: number) => (eb: ExpressionBuilder<Database, 'appeals'>) =>
  eb.or([eb('appeals.due_at', '<', now), eb.and([eb('appeals.due_at', 'is', null), eb('appeals.created_at', '<', now - deadlineMs)])]);

/** Appeals; the resident's message is encrypted like every other personal field. */
export class AppealsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  withTransaction(trx: Transaction<Database>): AppealsStore {
    return new AppealsStore(trx, this.cipher);
  }

  /** `region`: the resident's district, whose key seals the message (destroyed at its sunset). */
  async insert(a: { id: string; residentId: string; region: string; colour: string; colourAsked: string | null; fired: string; message: string; now: number; dueAt: number }): Promise<void> {
    await this.db
      .insertInto('appeals')
      .values({ id: a.id, resident_id: a.residentId, colour: a.colour, colour_asked: a.colourAsked, fired: a.fired, message: this.cipher.encryptIn(a.region, a.message, appealMessageContext(a.id)), status: 'open', response: null, created_at: a.now, resolved_at: null, resolved_by: null, due_at: a.dueAt, escalated_at: null, correction_id: null })
      .execute();
  }

  /**
   * Marks open appeals past their deadline as escalated, once each; returns them. Appeals filed
   * before deadlines existed are due `deadlineMs` after they were filed.
   */
  async escalateOverdue(now: number, deadlineMs: number): Promise<{ id: string; resident_id: string; due: number }[]> {
    const overdue = await this.db
      .selectFrom('appeals')
      .select(['id', 'resident_id', 'due_at', 'created_at'])
      .where('status', '=', 'open')
      .where('escalated_at', 'is', null)
      .where(pastDeadline(now, deadlineMs))
      .execute();
    const escalated: { id: string; resident_id: string; due: number }[] = [];
    for (const row of overdue) {
      const result = await this.db.updateTable('appeals').set({ escalated_at: now }).where('id', '=', row.id).where('escalated_at', 'is', null).where('status', '=', 'open').executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) escalated.push({ id: row.id, resident_id: row.resident_id, due: row.due_at ?? row.created_at + deadlineMs });
    }
    return escalated;
  }

  /** Open appeals of residents under `regionPrefix` ('' for all) past their deadline now, per home region. */
  async overdueByRegion(now: number, deadlineMs: number, regionPrefix: string): Promise<{ region: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('appeals')
      .innerJoin('residents', 'residents.id', 'appeals.resident_id')
      .select(['residents.address_region as region', (eb) => eb.fn.countAll<number>().as('n')])
      .where('appeals.status', '=', 'open')
      .where(pastDeadline(now, deadlineMs))
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      .groupBy('residents.address_region')
      .execute();
    return rows.map((r) => ({ region: r.region, n: Number(r.n) }));
  }

  /** Whether an appeal of theirs waits: for an answer, or for the correction it led to. */
  async hasOpen(residentId: string): Promise<boolean> {
    return (await this.db.selectFrom('appeals').select('id').where('resident_id', '=', residentId).where('status', 'in', ['open', 'correction-pending']).executeTakeFirst()) !== undefined;
  }

  async findById(id: string): Promise<AppealRow | undefined> {
    const row = await this.db.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.decrypt(row);
  }

  /** A resident's appeals, newest first (or oldest first, as `order` says). */
  async ofResident(residentId: string, order: 'asc' | 'desc' = 'desc'): Promise<AppealRow[]> {
    return (await this.db.selectFrom('appeals').selectAll().where('resident_id', '=', residentId).orderBy('created_at', order).execute()).map((r) => this.decrypt(r));
  }

  /** The queue, oldest first: open appeals, or answered ones; with `regionPrefix`, only of residents living there. */
  async queue(status: 'open' | 'resolved', limit: number, regionPrefix = ''): Promise<AppealRow[]> {
    let query = this.db.selectFrom('appeals').selectAll('appeals').orderBy('appeals.created_at').limit(limit);
    query = status === 'open' ? query.where('appeals.status', '=', 'open') : query.where('appeals.status', '!=', 'open');
    if (regionPrefix !== '') query = query.innerJoin('residents', 'residents.id', 'appeals.resident_id').where('residents.address_region', 'like', `${regionPrefix}%`);
    return (await query.execute()).map((r) => this.decrypt(r));
  }

  /** Answers an open appeal; false if it was answered first by someone else. */
  async resolve(id: string, r: { status: string; response: string; at: number; by: string; correctionId?: string }): Promise<boolean> {
    const result = await this.db
      .updateTable('appeals')
      .set({ status: r.status, response: r.response, resolved_at: r.at, resolved_by: r.by, ...(r.correctionId !== undefined && { correction_id: r.correctionId }) })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The correction an appeal led to was approved or rejected: the appeal says so (it waited as
   * `correction-pending`). Returns the appeal's resident, or undefined when no appeal waited on it.
   */
  async settleCorrection(correctionId: string, status: 'corrected' | 'correction-rejected'): Promise<string | undefined> {
    const rows = await this.db.updateTable('appeals').set({ status }).where('correction_id', '=', correctionId).where('status', '=', 'correction-pending').returning('resident_id').execute();
    return rows[0]?.resident_id;
  }

  private decrypt(row: Selectable<AppealsTable>): AppealRow {
    return { ...row, message: this.cipher.decrypt(row.message, appealMessageContext(row.id)) };
  }
}
