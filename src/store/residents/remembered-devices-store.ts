import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Change, ChangeFeed } from '../change-feed.js';
import type { Database, RememberedDevicesTable } from '../schema.js';

export type RememberedDeviceRow = Selectable<RememberedDevicesTable>;

/** Remembered devices: the phones residents stay signed in on, and the sessions opened through them. */
export class RememberedDevicesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: ChangeFeed,
  ) {}

  /**
   * Remembers a device for the session that asks, and ties that session to it, in one statement
   * pair: a session remembers one device, so one SMS sign-in cannot seed a row of them. False when
   * the session already belongs to a device (or has ended).
   */
  async insertFor(sessionId: string, row: RememberedDeviceRow): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.insertInto('devices').values(row).execute();
      const claimed = await trx
        .updateTable('sessions')
        .set({ device_id: row.id })
        .where('id', '=', sessionId)
        .where('device_id', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1) return true;
      await trx.deleteFrom('devices').where('id', '=', row.id).execute();
      return false;
    });
  }

  async find(id: string): Promise<RememberedDeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async ofResident(residentId: string): Promise<RememberedDeviceRow[]> {
    return this.db.selectFrom('devices').selectAll().where('resident_id', '=', residentId).where('revoked_at', 'is', null).orderBy('last_used_at', 'desc').execute();
  }

  /**
   * Replaces the refresh credential, if it is still `expected`: of two refreshes with the same one,
   * one wins. Every replaced digest is kept, to recognise any of them if it is shown again. What
   * `within` makes in the same transaction is the answer; undefined: the credential was no longer
   * `expected` (nothing changed, and `within` did not run).
   */
  async rotate<T extends object>(id: string, expected: string, next: string, now: number, within: (trx: Transaction<Database>) => Promise<T>): Promise<T | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('devices')
        .set({ refresh_digest: next, rotated_at: now, last_used_at: now })
        .where('id', '=', id)
        .where('refresh_digest', '=', expected)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      await trx.insertInto('device_spent_credentials').values({ digest: expected, device_id: id, spent_at: now }).execute();
      // What the new credential opens (its session) commits with it: a revocation cannot fall between the two.
      return within(trx);
    });
  }

  /** Whether this digest is one the device has already used up. */
  async wasSpent(id: string, digest: string): Promise<boolean> {
    const row = await this.db.selectFrom('device_spent_credentials').select('device_id').where('digest', '=', digest).where('device_id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** The device a session belongs to, if any: signing that session out forgets the device too. */
  async ofSession(sessionId: string): Promise<string | null> {
    const row = await this.db.selectFrom('sessions').select('device_id').where('id', '=', sessionId).executeTakeFirst();
    return row?.device_id ?? null;
  }

  /** Ends a device and every session opened through it, telling every process that holds one. */
  async revoke(id: string, now: number): Promise<void> {
    // The sessions announced are the ones this transaction ended, read as it ends them: a session the
    // device opened a moment before is among them, and no process keeps it as active.
    const announce = (ended: { id: string }[]): Change => (ended.length === 1 ? { kind: 'session-ended', sessionId: ended[0]!.id } : { kind: 'everything' });
    await this.changes.commit(this.db, announce, async (trx) => {
      await trx.updateTable('devices').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return trx.updateTable('sessions').set({ revoked_at: now }).where('device_id', '=', id).where('revoked_at', 'is', null).returning('id').execute();
    });
  }

  /** The device a session was opened through, and when the session was opened. */
  async sessionOrigin(sessionId: string): Promise<{ rememberedDeviceId: string | null; createdAt: number } | undefined> {
    const row = await this.db.selectFrom('sessions').select(['device_id', 'created_at']).where('id', '=', sessionId).executeTakeFirst();
    return row && { rememberedDeviceId: row.device_id, createdAt: row.created_at };
  }
}
