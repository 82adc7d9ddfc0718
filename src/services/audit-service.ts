import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ServiceContext } from './context.js';
import { InvalidInputError } from '../domain/field-errors.js';
import { ForbiddenError, messageTime } from './service-errors.js';
import { checkTypedPurpose, describeAuditEntry, storedPurpose, typedPurpose, type AuditAction, type AuditDescription, type AuditPurpose } from '../domain/audit-wording.js';
import type { StaffMember } from './staff-service.js';

export interface AuditEntry {
  seq: number;
  /** Epoch ms. */
  at: number;
  actor: string;
  action: string;
  purpose: string;
  residentId: string | null;
  detail: Record<string, unknown>;
  hash: string;
  /** The entry in words (who, why, what they saw), for the screens to say in the reader's language. */
  described: AuditDescription;
}

const GENESIS = '0'.repeat(64);

/** How the log names a staff member: by name and role, as residents read it in their access log. */
export const staffActor = (staff: StaffMember) => `${staff.name} (${staff.role})`;

/**
 * Instants inside an audit entry's detail: ISO 8601 in UTC. The detail is hashed into the chain as
 * written, so this form is the log's own and does not follow the API's wire.
 */
export function auditTime(ms: number): string {
  return new Date(ms).toISOString();
}

function entryHash(prev: string, e: { seq: number; at: number; actor: string; action: string; purpose: string; resident_id: string | null; detail: string }): string {
  return createHash('sha256').update(prev).update(JSON.stringify([e.seq, e.at, e.actor, e.action, e.purpose, e.resident_id, e.detail])).digest('hex');
}

/**
 * The append-only access log. Each entry's hash covers the previous entry's hash, so editing or
 * deleting any entry breaks every hash after it, and `verify` finds where.
 */
export class AuditService {
  constructor(private readonly ctx: ServiceContext) {}

  async append(actor: string, action: AuditAction, why: AuditPurpose, residentId: string | null, detail: Record<string, unknown>, within?: Transaction<Database>): Promise<AuditEntry> {
    const purpose = storedPurpose(why);
    const stored = await this.ctx.stores.audit.append((last) => {
      const row = { seq: (last?.seq ?? 0) + 1, at: this.ctx.clock.now().getTime(), actor, action, purpose, resident_id: residentId, detail: JSON.stringify(detail) };
      const prev = last?.hash ?? GENESIS;
      return { ...row, prev_hash: prev, hash: entryHash(prev, row) };
    }, within);
    return { seq: stored.seq, at: stored.at, actor, action, purpose, residentId, detail, hash: stored.hash, described: describeAuditEntry({ actor, action, purpose, detail }) };
  }

  /** Appends an entry whose actor is a staff member, named the one way the log names staff; `within` as for append. */
  async appendBy(staff: StaffMember, action: AuditAction, why: AuditPurpose, residentId: string | null, detail: Record<string, unknown>, within?: Transaction<Database>): Promise<AuditEntry> {
    // The region they answer for, so the log can say "an officer of Yuhang District" (null: the whole operator).
    return this.append(staffActor(staff), action, why, residentId, staff.region === null ? detail : { ...detail, actorRegion: staff.region }, within);
  }

  /** Walks the chain; returns the first entry that does not match, or null when the log is intact. */
  async verify(): Promise<{ entries: number; firstBroken: number | null; problem: string | null }> {
    const rows = await this.ctx.stores.audit.all();
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
    const rows = await this.ctx.stores.audit.entries(filter);
    return rows.map((r) => {
      const detail = JSON.parse(r.detail) as Record<string, unknown>;
      return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, purpose: r.purpose, residentId: r.resident_id, detail, hash: r.hash, described: describeAuditEntry({ actor: r.actor, action: r.action, purpose: r.purpose, detail }) };
    });
  }

  /** Gives `staffId` a purpose-bound, expiring grant; only the authority grants. */
  async grant(by: StaffMember, input: { staffId: string; scope: 'trace' | 'read-personal'; purpose: string; residentId: string | null; hours: number }): Promise<{ id: string; expiresAt: number }> {
    if (by.role !== 'authority') throw new ForbiddenError('only the authority gives grants');
    const typed = checkTypedPurpose('purpose', input.purpose);
    if (typed) throw new InvalidInputError([typed]);
    if (!(await this.ctx.stores.staff.isActive(input.staffId))) throw new InvalidInputError([{ field: 'staffId', message: 'no active staff credential has this id' }]);
    const now = this.ctx.clock.now().getTime();
    const id = this.ctx.newId();
    const expiresAt = now + input.hours * 3_600_000;
    await this.ctx.stores.audit.insertGrant({ id, staff_id: input.staffId, scope: input.scope, purpose: input.purpose, resident_id: input.residentId, granted_by: by.id, created_at: now, expires_at: expiresAt });
    await this.appendBy(by, 'grant', typedPurpose(input.purpose), input.residentId, { grantId: id, to: input.staffId, scope: input.scope, expiresAt: auditTime(expiresAt) });
    return { id, expiresAt };
  }

  /** A live grant `staff` holds for `scope`, whoever it names; throws if there is none by that id. */
  async liveGrant(staff: StaffMember, grantId: string, scope: GrantScope | readonly GrantScope[]): Promise<{ id: string; purpose: string; residentId: string | null }> {
    const row = await this.ctx.stores.audit.grant(grantId);
    const now = this.ctx.clock.now().getTime();
    const scopes: readonly string[] = Array.isArray(scope) ? scope : [scope];
    if (!row || row.staff_id !== staff.id || !scopes.includes(row.scope)) throw new ForbiddenError(`no ${scopes.join(' or ')} grant ${grantId} for this credential`, { field: 'grantId', reason: 'no-grant' });
    if (row.expires_at <= now) throw new ForbiddenError(`grant ${grantId} expired at ${messageTime(row.expires_at)}`, { field: 'grantId', reason: 'grant-expired' });
    return { id: row.id, purpose: row.purpose, residentId: row.resident_id };
  }

  /** The grant `staff` holds for `scope` (and this resident, if the grant names one); throws if none is valid. */
  async requireGrant(staff: StaffMember, grantId: string, scope: GrantScope, residentId: string): Promise<{ purpose: string }> {
    const grant = await this.liveGrant(staff, grantId, scope);
    if (grant.residentId !== null && grant.residentId !== residentId) throw new ForbiddenError(`grant ${grantId} is for another resident`, { field: 'grantId', reason: 'grant-other-resident' });
    return { purpose: grant.purpose };
  }

  /** A live grant of `staff` for `scope` that covers `residentId`: the one named, or else any. */
  async coveringGrant(staff: StaffMember, scope: GrantScope, residentId: string, grantId?: string): Promise<{ id: string; purpose: string }> {
    if (grantId !== undefined) return { id: grantId, ...(await this.requireGrant(staff, grantId, scope, residentId)) };
    const row = await this.ctx.stores.audit.coveringGrant(staff.id, scope, residentId, this.ctx.clock.now().getTime());
    if (!row) throw new ForbiddenError(`this credential holds no live ${scope} grant that covers this case`, { field: 'grantId', reason: 'no-grant' });
    return row;
  }

  /** The live grants `staff` holds, longest-lived first. */
  async liveGrantsOf(staff: StaffMember): Promise<{ id: string; scope: GrantScope; purpose: string; residentId: string | null; expiresAt: number }[]> {
    const rows = await this.ctx.stores.audit.liveGrantsOf(staff.id, this.ctx.clock.now().getTime());
    return rows.map((r) => ({ id: r.id, scope: r.scope as GrantScope, purpose: r.purpose, residentId: r.resident_id, expiresAt: r.expires_at }));
  }
}

export type GrantScope = 'trace' | 'read-personal';
