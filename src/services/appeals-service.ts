import { FieldErrorCollector } from '../domain/field-errors.js';
import { maskName } from '../domain/masking.js';
import type { FiredRule } from '../domain/rules/decide.js';
import { ResidentsStore } from '../store/residents-store.js';
import type { AuditService } from './audit-service.js';
import type { CodesService } from './codes-service.js';
import type { ServiceContext } from './context.js';
import { SMS_TEXTS } from './sms-texts.js';
import { ConflictError, NotFoundError } from './service-errors.js';
import type { StaffMember } from './staff-service.js';

export const APPEAL_OUTCOMES = ['upheld', 'corrected'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

export interface Appeal {
  id: string;
  residentId: string;
  colour: string;
  rules: FiredRule[];
  message: string;
  status: 'open' | AppealOutcome;
  response: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface QueuedAppeal extends Appeal {
  maskedName: string;
}

const MAX_MESSAGE = 2000;

/** The encryption context of an appeal's message: it decrypts only as that appeal's message. */
export const appealMessageContext = (appealId: string) => `appeal:${appealId}:message`;

/**
 * A resident who thinks a colour is wrong says why; the appeal lands in the authority's queue with
 * the colour and the rules as the resident saw them, and the answer comes back by SMS and in the app.
 * Messages are encrypted like every other personal field.
 */
export class AppealsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly codes: CodesService,
    private readonly audit: AuditService,
  ) {}

  async file(residentId: string, message: string): Promise<Appeal> {
    const text = message.trim();
    const errors = new FieldErrorCollector();
    if (text.length < 5 || text.length > MAX_MESSAGE) errors.add('message', `must be 5 to ${MAX_MESSAGE} characters`);
    errors.throwIfAny();
    const open = await this.ctx.store.db.selectFrom('appeals').select('id').where('resident_id', '=', residentId).where('status', '=', 'open').executeTakeFirst();
    if (open) throw new ConflictError('an appeal of yours is already waiting for an answer');
    const { decision } = await this.codes.issue(residentId);
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    await this.ctx.store.db
      .insertInto('appeals')
      .values({ id, resident_id: residentId, colour: decision.colour, fired: JSON.stringify(decision.rules), message: this.ctx.cipher.encrypt(text, appealMessageContext(id)), status: 'open', response: null, created_at: now, resolved_at: null, resolved_by: null })
      .execute();
    return this.get(id);
  }

  async ofResident(residentId: string): Promise<Appeal[]> {
    const rows = await this.ctx.store.db.selectFrom('appeals').selectAll().where('resident_id', '=', residentId).orderBy('created_at', 'desc').execute();
    return rows.map((r) => this.view(r));
  }

  /** The authority's queue, oldest first; reading it is audited, as it shows what residents wrote. */
  async queue(staff: StaffMember, status: 'open' | 'resolved'): Promise<QueuedAppeal[]> {
    let query = this.ctx.store.db.selectFrom('appeals').selectAll().orderBy('created_at').limit(200);
    query = status === 'open' ? query.where('status', '=', 'open') : query.where('status', '!=', 'open');
    const rows = await query.execute();
    const names = await new ResidentsStore(this.ctx.store.db, this.ctx.cipher).names(rows.map((r) => r.resident_id));
    await this.audit.appendBy(staff, 'read-appeals', 'answer appeals against decisions', null, { status, count: rows.length });
    return rows.map((r) => ({ ...this.view(r), maskedName: maskName(names.get(r.resident_id) ?? '') }));
  }

  async resolve(staff: StaffMember, id: string, input: { outcome: string; response: string }): Promise<Appeal> {
    const errors = new FieldErrorCollector();
    if (!(APPEAL_OUTCOMES as readonly string[]).includes(input.outcome)) errors.add('outcome', `must be one of ${APPEAL_OUTCOMES.join(', ')}`);
    if (input.response.trim().length < 5 || input.response.length > MAX_MESSAGE) errors.add('response', `must be 5 to ${MAX_MESSAGE} characters`);
    errors.throwIfAny();
    const row = await this.ctx.store.db.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('appeal');
    if (row.status !== 'open') throw new ConflictError('this appeal is already answered');
    await this.ctx.store.db
      .updateTable('appeals')
      .set({ status: input.outcome, response: input.response.trim(), resolved_at: this.ctx.clock.now().getTime(), resolved_by: staff.id })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
    await this.audit.appendBy(staff, 'answer-appeal', 'answer appeals against decisions', row.resident_id, { appealId: id, outcome: input.outcome });
    const resident = await new ResidentsStore(this.ctx.store.db, this.ctx.cipher).findById(row.resident_id);
    if (resident?.phone) await this.ctx.sms.send(resident.phone, SMS_TEXTS.appealAnswered());
    return this.get(id);
  }

  private async get(id: string): Promise<Appeal> {
    const row = await this.ctx.store.db.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return this.view(row);
  }

  private view(r: { id: string; resident_id: string; colour: string; fired: string; message: string; status: string; response: string | null; created_at: number; resolved_at: number | null }): Appeal {
    return {
      id: r.id,
      residentId: r.resident_id,
      colour: r.colour,
      rules: JSON.parse(r.fired) as FiredRule[],
      message: this.ctx.cipher.decrypt(r.message, appealMessageContext(r.id)),
      status: r.status as Appeal['status'],
      response: r.response,
      createdAt: new Date(r.created_at).toISOString(),
      resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at).toISOString(),
    };
  }
}
