import type { Kysely, Selectable } from 'kysely';
import { lockIn, type Engine } from '../database.js';
import type { Database, PaperCardsTable } from '../schema.js';

export type PaperCardRow = Selectable<PaperCardsTable>;

/** Paper cards: issued one live card per resident at a time, found by id at the gate, revoked. */
export class PaperCardsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  /**
   * Stores a new card and revokes whatever card of the resident was live, in one transaction under
   * a lock on the resident: two prints at once leave one live card, the later one.
   */
  async issue(card: Omit<PaperCardRow, 'revoked_at' | 'revoked_by'>): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await lockIn(this.engine, trx, `paper-card ${card.resident_id}`);
      const revoked = await trx
        .updateTable('paper_cards')
        .set({ revoked_at: card.issued_at, revoked_by: card.issued_by })
        .where('resident_id', '=', card.resident_id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await trx.insertInto('paper_cards').values({ ...card, revoked_at: null, revoked_by: null }).execute();
      return Number(revoked.numUpdatedRows);
    });
  }

  async findById(id: string): Promise<PaperCardRow | undefined> {
    return this.db.selectFrom('paper_cards').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The resident's unrevoked card, expired or not. */
  async live(residentId: string): Promise<PaperCardRow | undefined> {
    return this.db.selectFrom('paper_cards').selectAll().where('resident_id', '=', residentId).where('revoked_at', 'is', null).executeTakeFirst();
  }

  /** The resident's most recent card, live or revoked: what their screen says of their card. */
  async latest(residentId: string): Promise<PaperCardRow | undefined> {
    return this.db.selectFrom('paper_cards').selectAll().where('resident_id', '=', residentId).orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  /** Revokes the resident's live card; returns the card revoked, if there was one. */
  async revokeLive(residentId: string, by: string, at: number): Promise<PaperCardRow | undefined> {
    return this.db
      .updateTable('paper_cards')
      .set({ revoked_at: at, revoked_by: by })
      .where('resident_id', '=', residentId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }
}
