import { localDate, MAX_TEMPERATURE_C, MIN_TEMPERATURE_C, SYMPTOMS } from '../../domain/declaration.js';
import type { Decision } from '../../domain/rules/decide.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { isUniqueViolation } from '../../store/database.js';
import type { ServiceContext } from '../context.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import { ConflictError } from '../service-errors.js';

export interface CheckInInput {
  temperature: number;
  symptoms: string[];
}

/** The daily check-in while in quarantine (yellow or red): one a calendar day. */
export class CheckInsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
  ) {}

  async checkIn(residentId: string, input: CheckInInput): Promise<{ date: string; decision: Decision }> {
    const errors = new FieldErrorCollector();
    if (!Number.isFinite(input.temperature) || input.temperature < MIN_TEMPERATURE_C || input.temperature > MAX_TEMPERATURE_C) {
      errors.add('temperature', `must be a body temperature between ${MIN_TEMPERATURE_C} and ${MAX_TEMPERATURE_C} °C`);
    }
    input.symptoms.forEach((s, i) => {
      if (!(SYMPTOMS as readonly string[]).includes(s)) errors.add(`symptoms[${i}]`, `must be one of ${SYMPTOMS.join(', ')}`);
    });
    errors.throwIfAny();
    const current = await this.decisions.decide(residentId, 'check-in requested');
    if (current.colour !== 'yellow' && current.colour !== 'red') {
      throw new ConflictError(`daily check-ins are for yellow and red codes; this code is ${current.colour}`, undefined, 'not-in-quarantine');
    }
    const now = this.ctx.clock.now();
    const date = localDate(now, this.ctx.settings.timeZone);
    try {
      await this.ctx.stores.checkIns.insert({ id: this.ctx.newId(), residentId, date, at: now.getTime(), temperature: Math.round(input.temperature * 10) / 10, symptoms: [...new Set(input.symptoms)] });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`already checked in on ${date}; the next check-in is due tomorrow`, undefined, 'already-checked-in');
      throw error;
    }
    return { date, decision: await this.decisions.decide(residentId, `check-in on ${date}`) };
  }
}
