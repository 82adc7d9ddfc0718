import type { Kysely } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.js';
import type { Database } from './schema.js';

export interface OutboxMessage {
  id: string;
  channel: string;
  recipient: string;
  body: string;
  createdAt: number;
}

/** Messages the default SMS provider "sends": kept encrypted for the operator to read with `healthcode outbox`. */
export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
  ) {}

  async insert(message: OutboxMessage): Promise<void> {
    const c = (field: string) => `outbox:${message.id}:${field}`;
    await this.db
      .insertInto('outbox')
      .values({
        id: message.id,
        channel: message.channel,
        recipient_index: this.recipientIndex(message.recipient),
        recipient_enc: this.cipher.encrypt(message.recipient, c('recipient')),
        body_enc: this.cipher.encrypt(message.body, c('body')),
        created_at: message.createdAt,
      })
      .execute();
  }

  /** How messages to a phone (E.164) are found: what a sunset deletes by. */
  recipientIndex(phoneE164: string): string {
    return this.cipher.blindIndex('outbox.recipient', phoneE164);
  }

  /** Newest first; `recipient` narrows to one phone number. */
  async list(limit: number, recipient?: string): Promise<OutboxMessage[]> {
    let query = this.db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
    if (recipient !== undefined) query = query.where('recipient_index', '=', this.recipientIndex(recipient));
    const rows = await query.execute();
    return rows.map((row) => {
      const c = (field: string) => `outbox:${row.id}:${field}`;
      return {
        id: row.id,
        channel: row.channel,
        recipient: this.cipher.decrypt(row.recipient_enc, c('recipient')),
        body: this.cipher.decrypt(row.body_enc, c('body')),
        createdAt: row.created_at,
      };
    });
  }
}
