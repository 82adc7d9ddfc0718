import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseHandle } from './database.js';
import type { AuditLogTable, Database, GrantsTable } from './schema.js';

export type AuditRow = Selectable<AuditLogTable>;

/**
 * Purpose-bound grants and the append-only, hash-chained audit log. The chain is extended by one
 * writer at a time; the hash itself is the service's to compute.
 */
export class AuditStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lock: DatabaseHandle['lock'],
  ) {}

  /**
   * Appends the entry `make` builds from the last one (its seq and hash), holding the chain meanwhile;
   * in `within`, the caller's transaction, where the entry must stand or fall with what it records.
   */
  async append(make: (last: { seq: number; hash: string } | undefined) => Omit<AuditRow, never>, within?: Transaction<Database>): Promise<AuditRow> {
    const extend = async (trx: Transaction<Database>) => {
      await this.lock(trx, 'audit');
      const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const row = make(last);
      await trx.insertInto('audit_log').values(row).execute();
      return row;
    };
    return within === undefined ? this.db.transaction().execute(extend) : extend(within);
  }

  async all(): Promise<AuditRow[]> {
    return this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  }

  /** Newest first, optionally only the entries about one resident. */
  async entries(filter: { residentId?: string; limit: number }): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(filter.limit);
    if (filter.residentId !== undefined) query = query.where('resident_id', '=', filter.residentId);
    return query.execute();
  }

  async insertGrant(row: Selectable<GrantsTable>): Promise<void> {
    await this.db.insertInto('grants').values(row).execute();
  }

  async grant(id: string): Promise<Selectable<GrantsTable> | undefined> {
    return this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The longest-lived live grant of `staffId` for `scope` that covers `residentId`. */
  async coveringGrant(staffId: string, scope: string, residentId: string, now: number): Promise<{ id: string; purpose: string } | undefined> {
    return this.db
      .selectFrom('grants')
      .select(['id', 'purpose'])
      .where('staff_id', '=', staffId)
      .where('scope', '=', scope)
      .where('expires_at', '>', now)
      .where((eb) => eb.or([eb('resident_id', 'is', null), eb('resident_id', '=', residentId)]))
      .orderBy('expires_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The live grants `staffId` holds, longest-lived first: what a console offers to pick from. */
  async liveGrantsOf(staffId: string, now: number): Promise<Selectable<GrantsTable>[]> {
    return this.db.selectFrom('grants').selectAll().where('staff_id', '=', staffId).where('expires_at', '>', now).orderBy('expires_at', 'desc').limit(100).execute();
  }
}
