import type { Kysely, Selectable } from 'kysely';
import { CompiledShapes } from '../compiled-query.js';
import { REGION_INDEX_PREFIX, UNPLACED_INDEX_PREFIX, type FieldCipher } from '../../privacy/field-cipher.js';
import type { Database, OutboxTable } from '../schema.js';
import { LegacyResidentIndexes } from './legacy-indexes.js';

export interface OutboxMessage {
  id: string;
  channel: string;
  recipient: string;
  body: string;
  createdAt: number;
}

const INDEX_RECIPIENT = 'outbox.recipient';

/** A phone's messages under the master key (not placed yet, or from before), which every registration moves: compiled once, for the store and those it makes for transactions. */
const unplacedMessages = () =>
  new CompiledShapes<'', Selectable<OutboxTable>>(
    () => 2,
    (_, [unplaced, before], db: Kysely<Database>) => db.selectFrom('outbox').selectAll().where('recipient_index', 'in', [unplaced as string, before as string]).compile(),
  );

/** Each code asked for writes a message: compiled once. */
const insertMessage = () =>
  new CompiledShapes<'', never>(
    () => 6,
    (_, v, db: Kysely<Database>) =>
      db.insertInto('outbox').values({ id: v[0] as string, channel: v[1] as string, recipient_index: v[2] as string, recipient_enc: v[3] as string, body_enc: v[4] as string, created_at: v[5] as number }).compile(),
  );

/** Each registration reseals its phone's messages under the district's key: compiled once. */
const resealMessage = () =>
  new CompiledShapes<'', never>(
    () => 5,
    (_, v, db: Kysely<Database>) =>
      db
        .updateTable('outbox')
        .set({ recipient_index: v[0] as string, recipient_enc: v[1] as string, body_enc: v[2] as string })
        .where('id', '=', v[3] as string)
        .where('recipient_index', '=', v[4] as string)
        .compile(),
  );

/** A phone's newest messages, matched under each of its indexes (the shape: how many, with the limit last). */
const messagesTo = () =>
  new CompiledShapes<string, Selectable<OutboxTable>>(
    (count) => Number(count) + 1,
    (count, v, db: Kysely<Database>) =>
      db
        .selectFrom('outbox')
        .selectAll()
        .where('recipient_index', 'in', v.slice(0, Number(count)) as string[])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(v[Number(count)] as number)
        .compile(),
  );

/**
 * Messages the default SMS provider "sends": kept encrypted for the operator to read with `healthcode
 * outbox`. A message to a resident's phone is sealed and indexed under their district's key, which its
 * sunset destroys; one to a phone no account uses, under the master key until the phone registers.
 */
export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    /** Whether messages may still be indexed as before district keys: shared with the residents' stores, whose start proves it. */
    private readonly legacy = new LegacyResidentIndexes(),
    private readonly compiled = { unplacedMessages: unplacedMessages(), insertMessage: insertMessage(), messagesTo: messagesTo(), resealMessage: resealMessage() },
  ) {}

  /** A store on `trx`, sharing what this one compiled. */
  withTransaction(trx: Kysely<Database>): OutboxStore {
    return new OutboxStore(trx, this.cipher, this.legacy, this.compiled);
  }

  /** `region`: the district of the resident using the recipient phone, if any. */
  async insert(message: OutboxMessage, region?: string): Promise<void> {
    const { recipient_index, recipient_enc, body_enc } = this.sealed(message.id, message.recipient, message.body, region);
    await this.compiled.insertMessage.run(this.db, '', [message.id, message.channel, recipient_index, recipient_enc, body_enc, message.createdAt]);
  }

  /** Newest first; `recipient` narrows to one phone number. */
  async list(limit: number, recipient?: string): Promise<OutboxMessage[]> {
    let rows: Selectable<OutboxTable>[];
    if (recipient === undefined) rows = await this.db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    else {
      const indexes = this.indexesOf(recipient);
      rows = (await this.compiled.messagesTo.run(this.db, String(indexes.length), [...indexes, limit])).rows;
    }
    return rows.map((row) => ({ id: row.id, channel: row.channel, ...this.opened(row), createdAt: row.created_at }));
  }

  /** A phone has registered in `region`: what was sent to it before goes under that district's key. */
  async place(recipient: string, region: string): Promise<void> {
    const { rows } = await this.compiled.unplacedMessages.run(this.db, '', this.unplacedIndexes(recipient));
    await this.placeFound(rows, region);
  }

  /**
   * The indexes a phone's messages stand under until it registers: under the master key (not placed
   * yet, or from before). Once a start proved none is left from before, the first twice: the
   * statements that take two keep their text, and no keyed hash is made for an index nothing holds.
   */
  unplacedIndexes(recipient: string): [string, string] {
    const unplaced = this.cipher.unplacedIndex(INDEX_RECIPIENT, recipient);
    return [unplaced, this.legacy.mayRemain ? this.cipher.blindIndex(INDEX_RECIPIENT, recipient) : unplaced];
  }

  /** Messages found under `unplacedIndexes` (by `place`, or with a registration's insert) go under the district's key. */
  async placeFound(rows: readonly { id: string; recipient_index: string; recipient_enc: string; body_enc: string }[], region: string): Promise<void> {
    for (const row of rows) await this.reseal(row, region);
  }

  /**
   * Moves messages indexed the way they were before districts had index keys, `limit` at a time;
   * `regionOf` names the district of the phone's resident, if any. Each row is compared and set, so
   * a run stopped half-way is taken up by the next. Returns how many it moved.
   */
  async indexUnderRegionKeys(limit: number, regionOf: (phone: string) => Promise<string | undefined>): Promise<number> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('recipient_index', 'not like', `${REGION_INDEX_PREFIX}%`)
      .where('recipient_index', 'not like', `${UNPLACED_INDEX_PREFIX}%`)
      .limit(limit)
      .execute();
    for (const row of rows) await this.reseal(row, await regionOf(this.opened(row).recipient));
    return rows.length;
  }

  private async reseal(row: { id: string; recipient_index: string; recipient_enc: string; body_enc: string }, region: string | undefined): Promise<void> {
    const { recipient, body } = this.opened(row);
    const { recipient_index, recipient_enc, body_enc } = this.sealed(row.id, recipient, body, region);
    await this.compiled.resealMessage.run(this.db, '', [recipient_index, recipient_enc, body_enc, row.id, row.recipient_index]);
  }

  /** Where a phone's messages may be: under each district key held, or the master key (not yet placed, or from before). */
  private indexesOf(recipient: string): string[] {
    return this.cipher.lookupIndexes(INDEX_RECIPIENT, recipient);
  }

  private sealed(id: string, recipient: string, body: string, region: string | undefined) {
    const c = (field: string) => `outbox:${id}:${field}`;
    return region === undefined
      ? { recipient_index: this.cipher.unplacedIndex(INDEX_RECIPIENT, recipient), recipient_enc: this.cipher.encrypt(recipient, c('recipient')), body_enc: this.cipher.encrypt(body, c('body')) }
      : { recipient_index: this.cipher.regionIndex(region, INDEX_RECIPIENT, recipient), recipient_enc: this.cipher.encryptIn(region, recipient, c('recipient')), body_enc: this.cipher.encryptIn(region, body, c('body')) };
  }

  private opened(row: { id: string; recipient_enc: string; body_enc: string }): { recipient: string; body: string } {
    const c = (field: string) => `outbox:${row.id}:${field}`;
    return { recipient: this.cipher.decrypt(row.recipient_enc, c('recipient')), body: this.cipher.decrypt(row.body_enc, c('body')) };
  }
}
