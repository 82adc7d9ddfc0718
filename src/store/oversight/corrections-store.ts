import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CorrectionFact } from '../../domain/corrections.js';
import type { Colour } from '../../domain/colour.js';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import type { CorrectionsTable, Database } from '../schema.js';
import { CompiledLists } from '../compiled-query.js';
import { factsChanged } from '../facts-version.js';

/** The encryption context of a correction's note: it decrypts only as that correction's note. */
const noteContext = (id: string) => `correction:${id}:note`;

/** Every decision reads its residents' corrections (a declaration decides one): compiled once per list length. */
const correctionFacts = () =>
  new CompiledLists(1, (ids, [since], db: Kysely<Database>) =>
    db
      .selectFrom('corrections')
      .selectAll()
      .where('resident_id', 'in', ids as readonly string[])
      .where('status', 'in', ['active', 'ended'])
      .where('expires_at', '>', since as number)
      .compile(),
  );

export type CorrectionRow = Omit<Selectable<CorrectionsTable>, 'note'> & { note: string };

/** Corrections of single residents' colours; every change of state is one conditional update. */
export class CorrectionsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    /** Compiled once for the store and every store made from it for a transaction. */
    private readonly compiled = { facts: correctionFacts() },
  ) {}

  withTransaction(trx: Transaction<Database>): CorrectionsStore {
    return new CorrectionsStore(trx, this.cipher, this.compiled);
  }

  /** `region`: the resident's district, whose key seals the note (destroyed at its sunset). */
  async insert(c: { id: string; residentId: string; region: string; colour: string; reason: string; note: string; expiresAt: number; proposedBy: string; now: number }): Promise<void> {
    await this.db
      .insertInto('corrections')
      .values({
        id: c.id,
        resident_id: c.residentId,
        colour: c.colour,
        reason: c.reason,
        note: this.cipher.encryptIn(c.region, c.note, noteContext(c.id)),
        status: 'pending',
        expires_at: c.expiresAt,
        proposed_by: c.proposedBy,
        proposed_at: c.now,
        decided_by: null,
        decided_at: null,
        ended_by: null,
        ended_at: null,
      })
      .execute();
  }

  async findById(id: string): Promise<CorrectionRow | undefined> {
    const row = await this.db.selectFrom('corrections').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.decrypt(row);
  }

  /**
   * Approves or rejects a pending correction, by someone other than who proposed it; false if it is
   * no longer pending, or the decider proposed it (checked in the same statement, so two
   * approvals racing make one). An approval tells re-decisions in flight (factsChanged): call it inside a transaction.
   */
  async decide(id: string, d: { status: 'active' | 'rejected'; by: string; at: number }): Promise<boolean> {
    const result = await this.db
      .updateTable('corrections')
      .set({ status: d.status, decided_by: d.by, decided_at: d.at })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('proposed_by', '!=', d.by)
      .where('expires_at', '>', d.at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (d.status === 'active') await this.changedResidentOf(this.db, id);
    return true;
  }

  /** Ends an active correction before its expiry, telling re-decisions in flight (factsChanged); false if it was not active. */
  async end(id: string, by: string, at: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('corrections').set({ status: 'ended', ended_by: by, ended_at: at }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await this.changedResidentOf(trx, id);
      return true;
    });
  }

  /** The correction's resident's facts changed: a correction in force is one of them. */
  private async changedResidentOf(db: Kysely<Database>, id: string): Promise<void> {
    const row = await db.selectFrom('corrections').select('resident_id').where('id', '=', id).executeTakeFirstOrThrow();
    await factsChanged(db, [row.resident_id]);
  }

  /** Corrections in a state, newest first. */
  /** Corrections in a state, newest first; with `regionPrefix`, only of residents living under it. */
  async list(status: string, limit: number, regionPrefix = ''): Promise<CorrectionRow[]> {
    let query = this.db.selectFrom('corrections').selectAll('corrections').where('corrections.status', '=', status);
    if (regionPrefix !== '') query = query.innerJoin('residents', 'residents.id', 'corrections.resident_id').where('residents.address_region', 'like', `${regionPrefix}%`);
    return (await query.orderBy('corrections.proposed_at', 'desc').limit(limit).execute()).map((r) => this.decrypt(r));
  }

  async ofResident(residentId: string): Promise<CorrectionRow[]> {
    return (await this.db.selectFrom('corrections').selectAll().where('resident_id', '=', residentId).orderBy('proposed_at', 'desc').execute()).map((r) => this.decrypt(r));
  }

  /** For the engine: approved corrections of these residents that had not ended by `since`. */
  async factsFor(ids: string[], since: number): Promise<Map<string, CorrectionFact[]>> {
    const out = new Map<string, CorrectionFact[]>();
    if (ids.length === 0) return out;
    const rows = await this.compiled.facts.run(this.db, ids, [since]);
    for (const r of rows) {
      const endsAt = Math.min(r.expires_at, r.ended_at ?? Infinity);
      if (endsAt <= since || r.decided_at === null) continue;
      const list = out.get(r.resident_id) ?? [];
      list.push({ id: r.id, colour: r.colour as Colour, reason: r.reason, note: this.cipher.decrypt(r.note, noteContext(r.id)), approvedAt: r.decided_at, endsAt });
      out.set(r.resident_id, list);
    }
    return out;
  }

  /** The notes of these corrections, opened, by id: what a decision shown to its resident names. */
  async notes(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('corrections').select(['id', 'note']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, this.cipher.decrypt(r.note, noteContext(r.id))]));
  }

  /**
   * How many corrections of residents under `regionPrefix` ('' for all) each staff member proposed,
   * and approved, since `since`, per resident's home region.
   */
  async countsByStaff(since: number, regionPrefix: string): Promise<{ staffId: string; region: string; proposed: number; approved: number }[]> {
    const proposed = await this.db
      .selectFrom('corrections')
      .innerJoin('residents', 'residents.id', 'corrections.resident_id')
      .select(['corrections.proposed_by as staff', 'residents.address_region as region', (eb) => eb.fn.countAll<number>().as('n')])
      .where('corrections.proposed_at', '>=', since)
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      .groupBy(['corrections.proposed_by', 'residents.address_region'])
      .execute();
    const approved = await this.db
      .selectFrom('corrections')
      .innerJoin('residents', 'residents.id', 'corrections.resident_id')
      .select(['corrections.decided_by as staff', 'residents.address_region as region', (eb) => eb.fn.countAll<number>().as('n')])
      .where('corrections.status', 'in', ['active', 'ended'])
      .where('corrections.decided_at', '>=', since)
      .where('residents.address_region', 'like', `${regionPrefix}%`)
      .groupBy(['corrections.decided_by', 'residents.address_region'])
      .execute();
    const out = new Map<string, { staffId: string; region: string; proposed: number; approved: number }>();
    const entry = (id: string, region: string) => out.get(`${id} ${region}`) ?? out.set(`${id} ${region}`, { staffId: id, region, proposed: 0, approved: 0 }).get(`${id} ${region}`)!;
    for (const r of proposed) entry(r.staff, r.region).proposed = Number(r.n);
    for (const r of approved) if (r.staff !== null) entry(r.staff, r.region).approved = Number(r.n);
    return [...out.values()];
  }

  private decrypt(row: Selectable<CorrectionsTable>): CorrectionRow {
    return { ...row, note: this.cipher.decrypt(row.note, noteContext(row.id)) };
  }
}
