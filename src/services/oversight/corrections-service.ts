import type { Transaction } from 'kysely';
import { fixedPurpose } from '../../domain/audit-wording.js';
import type { Database } from '../../store/schema.js';
import { checkCorrection, CORRECTION_REASONS, type CorrectionReason } from '../../domain/corrections.js';
import { maskName } from '../../domain/masking.js';
import { regionPrefix } from '../../domain/regions.js';
import type { CorrectionRow } from '../../store/oversight/corrections-store.js';
import { auditTime, type AuditService } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { NoticesService } from '../decisions/colour-notices-service.js';
import { SMS_TEXTS } from '../sms-texts.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../service-errors.js';
import { requireJurisdiction, type StaffMember } from '../staff-service.js';

export interface Correction {
  id: string;
  residentId: string;
  maskedName: string;
  colour: string;
  reason: string;
  note: string;
  status: 'pending' | 'active' | 'rejected' | 'ended';
  expiresAt: number;
  proposedBy: string;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  endedBy: string | null;
  endedAt: number | null;
}

const PURPOSE = fixedPurpose('open-correction');

/**
 * Corrections of one resident's colour: proposed by one authority, in force only once a second
 * approves, for a published reason and until an expiry; every step audited. The resident's "why"
 * shows it with its reason, note and end, and they may appeal it like any colour.
 */
export class CorrectionsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
    private readonly notices: NoticesService,
  ) {}

  reasons(): CorrectionReason[] {
    return CORRECTION_REASONS;
  }

  /**
   * Proposes; `alongside` runs in the same transaction as the insert (an appeal answered with it),
   * so the proposal and what it answers are stored together or not at all.
   */
  async propose(staff: StaffMember, residentId: string, input: Record<string, unknown>, alongside?: (trx: Transaction<Database>, correctionId: string) => Promise<void>): Promise<Correction> {
    const now = this.ctx.clock.now().getTime();
    const checked = checkCorrection(input, now);
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!resident) throw new NotFoundError('resident');
    requireJurisdiction(staff, resident.address.region);
    const id = this.ctx.newId();
    await this.ctx.database.transaction(async (trx) => {
      await this.ctx.stores.corrections.withTransaction(trx).insert({ id, residentId, region: resident.address.region, ...checked, proposedBy: staff.id, now });
      await alongside?.(trx, id);
    });
    await this.audit.appendBy(staff, 'propose-correction', PURPOSE, residentId, { correctionId: id, colour: checked.colour, reason: checked.reason, expiresAt: auditTime(checked.expiresAt) });
    return this.get(id);
  }

  /** A second authority puts it in force; the one who proposed it may not. */
  async approve(staff: StaffMember, id: string): Promise<Correction> {
    const row = await this.pending(staff, id);
    const now = this.ctx.clock.now().getTime();
    await this.settle(id, { status: 'active', by: staff.id, at: now });
    await this.audit.appendBy(staff, 'approve-correction', PURPOSE, row.resident_id, { correctionId: id, proposedBy: row.proposed_by });
    // The colour changes here, and whoever holds the resident's phone is texted with it (NoticesService).
    await this.decisions.redecide([row.resident_id], 'correction approved');
    return this.get(id);
  }

  async reject(staff: StaffMember, id: string): Promise<Correction> {
    const row = await this.pending(staff, id);
    const appellant = await this.settle(id, { status: 'rejected', by: staff.id, at: this.ctx.clock.now().getTime() });
    await this.audit.appendBy(staff, 'reject-correction', PURPOSE, row.resident_id, { correctionId: id, proposedBy: row.proposed_by });
    // An appeal waited on it: its resident is told the truth, that nothing changed.
    if (appellant !== undefined) for (const { phone, script } of await this.notices.phonesFor(appellant)) await this.ctx.sms.send(phone, SMS_TEXTS.appealCorrectionRejected(script));
    return this.get(id);
  }

  /** Approves or rejects, and settles the appeal that led to it (if one did), in one transaction; the appeal's resident, if any. */
  private async settle(id: string, d: { status: 'active' | 'rejected'; by: string; at: number }): Promise<string | undefined> {
    return this.ctx.database.transaction(async (trx) => {
      if (!(await this.ctx.stores.corrections.withTransaction(trx).decide(id, d))) throw new ConflictError('this correction was approved, rejected or expired a moment ago');
      return this.ctx.stores.appeals.withTransaction(trx).settleCorrection(id, d.status === 'active' ? 'corrected' : 'correction-rejected');
    });
  }

  /** Ends a correction in force before its expiry. */
  async end(staff: StaffMember, id: string): Promise<Correction> {
    const row = await this.ctx.stores.corrections.findById(id);
    if (!row) throw new NotFoundError('correction');
    await this.requireJurisdictionOver(staff, row);
    if (!(await this.ctx.stores.corrections.end(id, staff.id, this.ctx.clock.now().getTime()))) throw new ConflictError('only a correction in force can be ended');
    await this.audit.appendBy(staff, 'end-correction', PURPOSE, row.resident_id, { correctionId: id });
    await this.decisions.redecide([row.resident_id], 'correction ended');
    return this.get(id);
  }

  /** Corrections in a state, newest first; reading them is audited, as the notes concern people. */
  async list(staff: StaffMember, status: Correction['status']): Promise<Correction[]> {
    const rows = await this.ctx.stores.corrections.list(status, 200, staff.region === null ? '' : regionPrefix(staff.region));
    await this.audit.appendBy(staff, 'read-corrections', PURPOSE, null, { status, count: rows.length });
    return this.views(rows);
  }

  /** How many corrections each staff member proposed and approved in the last 30 days, with names. */
  private async pending(staff: StaffMember, id: string): Promise<CorrectionRow> {
    const row = await this.ctx.stores.corrections.findById(id);
    if (!row) throw new NotFoundError('correction');
    if (row.status !== 'pending') throw new ConflictError(`this correction is ${row.status}, not waiting for approval`);
    if (row.proposed_by === staff.id) throw new ForbiddenError('a correction needs a second authority: who proposed it may not approve or reject it', { reason: 'second-authority' });
    await this.requireJurisdictionOver(staff, row);
    return row;
  }

  /** Both authorities answer for the resident's region: two officers elsewhere cannot correct them. */
  private async requireJurisdictionOver(staff: StaffMember, row: CorrectionRow): Promise<void> {
    const resident = await this.ctx.stores.residents.findById(row.resident_id);
    if (!resident) throw new NotFoundError('resident');
    requireJurisdiction(staff, resident.address.region);
  }

  private async get(id: string): Promise<Correction> {
    const row = await this.ctx.stores.corrections.findById(id);
    if (!row) throw new NotFoundError('correction');
    return (await this.views([row]))[0]!;
  }

  private async views(rows: CorrectionRow[]): Promise<Correction[]> {
    const names = await this.ctx.stores.residents.names(rows.map((r) => r.resident_id));
    return rows.map((r) => ({
      id: r.id,
      residentId: r.resident_id,
      maskedName: maskName(names.get(r.resident_id) ?? ''),
      colour: r.colour,
      reason: r.reason,
      note: r.note,
      status: r.status as Correction['status'],
      expiresAt: r.expires_at,
      proposedBy: r.proposed_by,
      proposedAt: r.proposed_at,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      endedBy: r.ended_by,
      endedAt: r.ended_at,
    }));
  }
}
