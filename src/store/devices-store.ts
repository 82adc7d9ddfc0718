import type { Kysely, Selectable } from 'kysely';
import type { ChangeFeed } from './change-feed.js';
import type { Database, DevicesTable } from './schema.js';

export type DeviceRow = Selectable<DevicesTable>;

/** Devices residents stay signed in on, and the sessions opened through them. */
export class DevicesStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: ChangeFeed,
  ) {}

  async insert(row: DeviceRow): Promise<void> {
    await this.db.insertInto('devices').values(row).execute();
  }

  async find(id: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async ofResident(residentId: string): Promise<DeviceRow[]> {
    return this.db.selectFrom('devices').selectAll().where('resident_id', '=', residentId).where('revoked_at', 'is', null).orderBy('last_used_at', 'desc').execute();
  }

  /**
   * Replaces the refresh credential, if it is still `expected`: of two refreshes with the same one,
   * one wins. The old digest is kept, to recognise it if it is shown again.
   */
  async rotate(id: string, expected: string, next: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ refresh_digest: next, previous_digest: expected, rotated_at: now, last_used_at: now })
      .where('id', '=', id)
      .where('refresh_digest', '=', expected)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends a device and every session opened through it, telling every process that holds one. */
  async revoke(id: string, now: number): Promise<void> {
    const sessions = await this.db.selectFrom('sessions').select('id').where('device_id', '=', id).where('revoked_at', 'is', null).execute();
    const ended = sessions.map((s) => s.id);
    await this.changes.commit(this.db, ended.length === 1 ? { kind: 'session-ended', sessionId: ended[0]! } : { kind: 'everything' }, async (trx) => {
      await trx.updateTable('devices').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      await trx.updateTable('sessions').set({ revoked_at: now }).where('device_id', '=', id).where('revoked_at', 'is', null).execute();
    });
  }

  /** The device a session was opened through, and when the session was opened. */
  async sessionOrigin(sessionId: string): Promise<{ deviceId: string | null; createdAt: number } | undefined> {
    const row = await this.db.selectFrom('sessions').select(['device_id', 'created_at']).where('id', '=', sessionId).executeTakeFirst();
    return row && { deviceId: row.device_id, createdAt: row.created_at };
  }
}
