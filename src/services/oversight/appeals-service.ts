import { fixedPurpose } from '../../domain/audit-wording.js';
import { HOUR_MS } from '../../domain/clock.js';
import { COLOURS, isCorrectionOf, type Colour } from '../../domain/colour.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { maskName } from '../../domain/masking.js';
import { regionPrefix } from '../../domain/regions.js';
import { checkText } from '../../domain/resident.js';
import type { FiredRule } from '../../domain/rules/decide.js';
import type { AppealRow } from '../../store/oversight/appeals-store.js';
import { auditTime, type AuditService } from '../audit-service.js';
import { DEFAULT_APPEAL_DEADLINE_HOURS } from '../../config.js';
import type { ServiceContext } from '../context.js';
import type { CorrectionsService } from './corrections-service.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { NoticesService } from '../decisions/colour-notices-service.js';
import { SMS_TEXTS } from '../sms-texts.js';
import { ConflictError, NotFoundError } from '../service-errors.js';
import { requireJurisdiction, type StaffMember } from '../staff-service.js';

/**
 * How an officer answers an appeal directly: the decision stands (`upheld`), or the record it rested
 * on was fixed and the colour has changed since (`corrected`, refused while it has not). An appeal
 * that is right and needs the colour set by hand goes through proposeCorrection instead.
 */
export const APPEAL_OUTCOMES = ['upheld', 'corrected'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
/** An appeal answered with a correction waits for a second officer: then it is corrected, or the correction was rejected. */
export type AppealStatus = 'open' | AppealOutcome | 'correction-pending' | 'correction-rejected';

export interface Appeal {
  id: string;
  residentId: string;
  colour: string;
  rules: FiredRule[];
  message: string;
  /** The colour the resident says is right, if they said. */
  colourAsked: Colour | null;
  status: AppealStatus;
  /** The correction proposed from it, as it stands. */
  correction: { id: string; colour: string; status: string } | null;
  response: string | null;
  createdAt: number;
  resolvedAt: number | null;
  /** When the answer is due; past it, unanswered, the appeal is escalated. */
  dueAt: number;
  escalatedAt: number | null;
}

export interface QueuedAppeal extends Appeal {
  maskedName: string;
}

const MAX_MESSAGE = 2000;

function checkResponse(errors: FieldErrorCollector, response: string): void {
  if (response.trim().length < 5) errors.add('response', `must be 5 to ${MAX_MESSAGE} characters`);
  else checkText(errors, 'response', response.trim(), MAX_MESSAGE, true);
}

/**
 * A resident who thinks a colour is wrong says why; the appeal lands in the authority's queue with
 * the colour and the rules as the resident saw them, and the answer comes back by SMS and in the app.
 * Messages are encrypted like every other personal field.
 */
export class AppealsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly audit: AuditService,
    private readonly corrections: CorrectionsService,
    private readonly notices: NoticesService,
  ) {}

  async file(residentId: string, message: string, colourAsked?: string): Promise<Appeal> {
    const text = message.trim();
    const errors = new FieldErrorCollector();
    if (text.length < 5) errors.add('message', `must be 5 to ${MAX_MESSAGE} characters`);
    else checkText(errors, 'message', text, MAX_MESSAGE, true);
    if (colourAsked !== undefined && !(COLOURS as readonly string[]).includes(colourAsked)) errors.add('colourAsked', `must be one of ${COLOURS.join(', ')}`);
    errors.throwIfAny();
    if (await this.ctx.stores.appeals.hasOpen(residentId)) throw new ConflictError('an appeal of yours is already waiting for an answer, or for the correction it led to');
    // The colour appealed against, as it stands: a decision, not a code nobody would show.
    const decision = await this.decisions.decide(residentId, 'appeal filed');
    const id = this.ctx.newId();
    const now = this.ctx.clock.now().getTime();
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!resident) throw new NotFoundError('resident');
    await this.ctx.stores.appeals.insert({ id, residentId, region: resident.address.region, colour: decision.colour, colourAsked: colourAsked ?? null, fired: JSON.stringify(decision.rules), message: text, now, dueAt: now + this.deadlineMs() });
    return this.get(id);
  }

  /**
   * Escalates every open appeal past its deadline, once: each goes to the audit log, and the
   * dashboard and the queue show it overdue. Run by the scheduled jobs.
   */
  async escalateOverdue(): Promise<number> {
    const escalated = await this.ctx.stores.appeals.escalateOverdue(this.ctx.clock.now().getTime(), this.deadlineMs());
    for (const a of escalated) {
      await this.audit.append('system', 'escalate-appeal', fixedPurpose('appeal-deadlines'), a.resident_id, { appealId: a.id, dueAt: auditTime(a.due) });
    }
    if (escalated.length > 0) this.ctx.logger.warn({ appeals: escalated.length }, 'appeals past their deadline escalated');
    return escalated.length;
  }

  /** Open appeals past their deadline now. */
  private deadlineMs(): number {
    return (this.ctx.settings.appealDeadlineHours ?? DEFAULT_APPEAL_DEADLINE_HOURS) * HOUR_MS;
  }

  async ofResident(residentId: string): Promise<Appeal[]> {
    return this.views(await this.ctx.stores.appeals.ofResident(residentId));
  }

  /**
   * The authority's queue, oldest first, of residents in the regions the officer answers for (all, for
   * an officer of every region); reading it is audited, as it shows what residents wrote.
   */
  async queue(staff: StaffMember, status: 'open' | 'resolved'): Promise<QueuedAppeal[]> {
    const rows = await this.ctx.stores.appeals.queue(status, 200, staff.region === null ? '' : regionPrefix(staff.region));
    const names = await this.ctx.stores.residents.names(rows.map((r) => r.resident_id));
    await this.audit.appendBy(staff, 'read-appeals', fixedPurpose('answer-appeals'), null, { status, count: rows.length });
    return (await this.views(rows)).map((a) => ({ ...a, maskedName: maskName(names.get(a.residentId) ?? '') }));
  }

  async resolve(staff: StaffMember, id: string, input: { outcome: string; response: string }): Promise<Appeal> {
    const errors = new FieldErrorCollector();
    if (!(APPEAL_OUTCOMES as readonly string[]).includes(input.outcome)) errors.add('outcome', `must be one of ${APPEAL_OUTCOMES.join(', ')}`);
    checkResponse(errors, input.response);
    errors.throwIfAny();
    const row = await this.open(staff, id);
    if (input.outcome === 'corrected') {
      // The resident reads "corrected": only true once their colour is milder than the one appealed.
      const now = (await this.decisions.decide(row.resident_id, 'appeal answered')).colour;
      if (now === row.colour) {
        throw new ConflictError(`the resident's colour is still ${now}: nothing has been corrected. Propose a correction from this appeal, or fix the record it rests on first`);
      }
      if (!isCorrectionOf(row.colour as Colour, now)) {
        throw new ConflictError(`the resident's colour is now ${now}, no milder than the ${row.colour} appealed: that is no correction. Answer "upheld" or propose a correction from this appeal`);
      }
    }
    if (!(await this.ctx.stores.appeals.resolve(id, { status: input.outcome, response: input.response.trim(), at: this.ctx.clock.now().getTime(), by: staff.id }))) {
      throw new ConflictError('this appeal was answered a moment ago');
    }
    await this.audit.appendBy(staff, 'answer-appeal', fixedPurpose('answer-appeals'), row.resident_id, { appealId: id, outcome: input.outcome });
    for (const { phone, script } of await this.notices.phonesFor(row.resident_id)) await this.ctx.sms.send(phone, SMS_TEXTS.appealAnswered(script));
    return this.get(id);
  }

  /**
   * The appeal is right and the colour must be set by hand: a correction is proposed for its
   * resident (in force once a second officer approves) and the appeal answered with it, in one
   * transaction. The resident is told the appeal was upheld and the correction awaits approval,
   * never that their colour changed: that text comes when it does.
   */
  async proposeCorrection(staff: StaffMember, id: string, input: Record<string, unknown> & { response?: unknown }): Promise<Appeal> {
    const errors = new FieldErrorCollector();
    checkResponse(errors, typeof input.response === 'string' ? input.response : '');
    errors.throwIfAny();
    const row = await this.open(staff, id);
    // A correction answers the decision appealed: if new facts have changed the colour since, the
    // officer has not seen what it would override (a trace's red, say), so it is refused until they have.
    const now = (await this.decisions.decide(row.resident_id, 'appeal answered')).colour;
    if (now !== row.colour) {
      throw new ConflictError(`the resident's colour has changed since the appeal was filed (${row.colour} then, ${now} now): read the current decision, then answer the appeal on it`);
    }
    const { response: _response, ...correction } = input;
    const response = (input.response as string).trim();
    await this.corrections.propose(staff, row.resident_id, correction, async (trx, correctionId) => {
      if (!(await this.ctx.stores.appeals.withTransaction(trx).resolve(id, { status: 'correction-pending', response, at: this.ctx.clock.now().getTime(), by: staff.id, correctionId }))) {
        throw new ConflictError('this appeal was answered a moment ago');
      }
    });
    await this.audit.appendBy(staff, 'answer-appeal', fixedPurpose('answer-appeals'), row.resident_id, { appealId: id, outcome: 'correction-pending' });
    for (const { phone, script } of await this.notices.phonesFor(row.resident_id)) await this.ctx.sms.send(phone, SMS_TEXTS.appealCorrectionProposed(script));
    return this.get(id);
  }

  /** An open appeal the officer may answer: its resident lives in a region they answer for (refused, audited, otherwise). */
  private async open(staff: StaffMember, id: string): Promise<AppealRow> {
    const row = await this.ctx.stores.appeals.findById(id);
    if (!row) throw new NotFoundError('appeal');
    const resident = await this.ctx.stores.residents.findById(row.resident_id);
    if (!resident) throw new NotFoundError('resident');
    try {
      requireJurisdiction(staff, resident.address.region);
    } catch (error) {
      await this.audit.appendBy(staff, 'answer-appeal-refused', fixedPurpose('answer-appeals'), row.resident_id, { appealId: id, reason: 'outside-jurisdiction' });
      throw error;
    }
    if (row.status !== 'open') throw new ConflictError('this appeal is already answered');
    return row;
  }

  private async get(id: string): Promise<Appeal> {
    const row = await this.ctx.stores.appeals.findById(id);
    if (!row) throw new NotFoundError('appeal');
    return (await this.views([row]))[0]!;
  }

  /** Appeals as shown, each with the correction it led to as it stands now. */
  private async views(rows: AppealRow[]): Promise<Appeal[]> {
    const out: Appeal[] = [];
    for (const r of rows) {
      const c = r.correction_id === null ? undefined : await this.ctx.stores.corrections.findById(r.correction_id);
      out.push(this.view(r, c ? { id: c.id, colour: c.colour, status: c.status } : null));
    }
    return out;
  }

  private view(r: AppealRow, correction: Appeal['correction']): Appeal {
    return {
      id: r.id,
      residentId: r.resident_id,
      colour: r.colour,
      rules: JSON.parse(r.fired) as FiredRule[],
      message: r.message,
      colourAsked: (r.colour_asked as Colour | null) ?? null,
      correction,
      status: r.status as Appeal['status'],
      response: r.response,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      dueAt: r.due_at ?? r.created_at + this.deadlineMs(),
      escalatedAt: r.escalated_at,
    };
  }
}
