import { createHash } from 'node:crypto';
import type { ServiceContext } from './context.js';
import { InvalidInputError } from '../domain/field-errors.js';
import { ForbiddenError } from './service-errors.js';
import type { StaffMember } from './staff-service.js';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  purpose: string;
  residentId: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/** How the log names a staff member: by name and role, as residents read it in their access log. */
export const staffActor = (staff: StaffMember) => `${staff.name} (${staff.role})`;

function entryHash(prev: string, e: { seq: number; at: number; actor: string; action: string; purpose: string; resident_id: string | null; detail: string }): string {
  return createHash('sha256').update(prev).update(JSON.stringify([e.seq, e.at, e.actor, e.action, e.purpose, e.resident_id, e.detail])).digest('hex');
}

/**
 * The append-only access log. Each entry's hash covers the previous entry's hash, so editing or
 * deleting any entry breaks every hash after it, and `verify` finds where.
 */
export class AuditService {
  constructor(private readonly ctx: ServiceContext) {}

  async append(actor: string, action: string, purpose: string, residentId: string | null, detail: Record<string, unknown>): Promise<AuditEntry> {
    return this.ctx.store.db.transaction().execute(async (trx) => {
      // One writer at a time extends the chain.
      await this.ctx.store.lock(trx, 'audit');
      const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const row = { seq: (last?.seq ?? 0) + 1, at: this.ctx.clock.now().getTime(), actor, action, purpose, resident_id: residentId, detail: JSON.stringify(detail) };
      const prev = last?.hash ?? GENESIS;
      const hash = entryHash(prev, row);
      await trx.insertInto('audit_log').values({ ...row, prev_hash: prev, hash }).execute();
      return { seq: row.seq, at: new Date(row.at).toISOString(), actor, action, purpose, residentId, detail, hash };
    });
  }

  /** Appends an entry whose actor is a staff member, named the one way the log names staff. */
  async appendBy(staff: StaffMember, action: string, purpose: string, residentId: string | null, detail: Record<string, unknown>): Promise<AuditEntry> {
    return this.append(staffActor(staff), action, purpose, residentId, detail);
  }

  /** How many entries `actor` has made with one of `actions` since `since`. */
  async countBy(actor: string, actions: string[], since: number): Promise<number> {
    const row = await this.ctx.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('actor', '=', actor)
      .where('action', 'in', actions)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Walks the chain; returns the first entry that does not match, or null when the log is intact. */
  async verify(): Promise<{ entries: number; firstBroken: number | null; problem: string | null }> {
    const rows = await this.ctx.store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = GENESIS;
    let expectedSeq = 1;
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { entries: rows.length, firstBroken: expectedSeq, problem: `entry ${expectedSeq} is missing` };
      if (row.prev_hash !== prev) return { entries: rows.length, firstBroken: row.seq, problem: `entry ${row.seq} does not follow entry ${row.seq - 1}` };
      if (entryHash(prev, row) !== row.hash) return { entries: rows.length, firstBroken: row.seq, problem: `entry ${row.seq} was changed` };
      prev = row.hash;
      expectedSeq += 1;
    }
    return { entries: rows.length, firstBroken: null, problem: null };
  }

  async entries(filter: { residentId?: string; limit: number }): Promise<AuditEntry[]> {
    let query = this.ctx.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(filter.limit);
    if (filter.residentId !== undefined) query = query.where('resident_id', '=', filter.residentId);
    const rows = await query.execute();
    return rows.map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, purpose: r.purpose, residentId: r.resident_id, detail: JSON.parse(r.detail) as Record<string, unknown>, hash: r.hash }));
  }

  /** Gives `staffId` a purpose-bound, expiring grant; only the authority grants. */
  async grant(by: StaffMember, input: { staffId: string; scope: 'trace' | 'read-personal'; purpose: string; residentId: string | null; hours: number }): Promise<{ id: string; expiresAt: string }> {
    if (by.role !== 'authority') throw new ForbiddenError('only the authority gives grants');
    const holder = await this.ctx.store.db.selectFrom('staff_tokens').select('id').where('id', '=', input.staffId).where('revoked_at', 'is', null).executeTakeFirst();
    if (!holder) throw new InvalidInputError([{ field: 'staffId', message: 'no active staff credential has this id' }]);
    const now = this.ctx.clock.now().getTime();
    const id = this.ctx.newId();
    const expiresAt = now + input.hours * 3_600_000;
    await this.ctx.store.db
      .insertInto('grants')
      .values({ id, staff_id: input.staffId, scope: input.scope, purpose: input.purpose, resident_id: input.residentId, granted_by: by.id, created_at: now, expires_at: expiresAt })
      .execute();
    await this.appendBy(by, 'grant', input.purpose, input.residentId, { grantId: id, to: input.staffId, scope: input.scope, expiresAt: new Date(expiresAt).toISOString() });
    return { id, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** A live grant `staff` holds for `scope`, whoever it names; throws if there is none by that id. */
  async liveGrant(staff: StaffMember, grantId: string, scope: GrantScope): Promise<{ id: string; purpose: string; residentId: string | null }> {
    const row = await this.ctx.store.db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    const now = this.ctx.clock.now().getTime();
    if (!row || row.staff_id !== staff.id || row.scope !== scope) throw new ForbiddenError(`no ${scope} grant ${grantId} for this credential`);
    if (row.expires_at <= now) throw new ForbiddenError(`grant ${grantId} expired at ${new Date(row.expires_at).toISOString()}`);
    return { id: row.id, purpose: row.purpose, residentId: row.resident_id };
  }

  /** The grant `staff` holds for `scope` (and this resident, if the grant names one); throws if none is valid. */
  async requireGrant(staff: StaffMember, grantId: string, scope: GrantScope, residentId: string): Promise<{ purpose: string }> {
    const grant = await this.liveGrant(staff, grantId, scope);
    if (grant.residentId !== null && grant.residentId !== residentId) throw new ForbiddenError(`grant ${grantId} is for another resident`);
    return { purpose: grant.purpose };
  }

  /** A live grant of `staff` for `scope` that covers `residentId`: the one named, or else any. */
  async coveringGrant(staff: StaffMember, scope: GrantScope, residentId: string, grantId?: string): Promise<{ id: string; purpose: string }> {
    if (grantId !== undefined) return { id: grantId, ...(await this.requireGrant(staff, grantId, scope, residentId)) };
    const row = await this.ctx.store.db
      .selectFrom('grants')
      .select(['id', 'purpose'])
      .where('staff_id', '=', staff.id)
      .where('scope', '=', scope)
      .where('expires_at', '>', this.ctx.clock.now().getTime())
      .where((eb) => eb.or([eb('resident_id', 'is', null), eb('resident_id', '=', residentId)]))
      .orderBy('expires_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new ForbiddenError(`this credential holds no live ${scope} grant that covers this case`);
    return row;
  }
}

export type GrantScope = 'trace' | 'read-personal';
