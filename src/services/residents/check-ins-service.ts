import { localDate, MAX_TEMPERATURE_C, MIN_TEMPERATURE_C, SYMPTOMS } from '../../domain/declaration.js';
import type { Decision } from '../../domain/rules/decide.js';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import type { CheckInRow } from '../../store/residents/check-ins-store.js';
import type { ServiceContext } from '../context.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import { ConflictError } from '../service-errors.js';

export interface CheckInInput {
  temperature: number;
  symptoms: string[];
}

/** A day's check-in: the readings taken that local calendar day, oldest first. */
export interface DayOfCheckIns {
  date: string;
  readings: CheckInRow[];
}

/**
 * The daily check-in while in quarantine (yellow or red). Checking in again the same day adds a
 * reading beside the earlier ones rather than replacing them: a day counts as clean only if all its
 * readings were, so a symptom reported in the morning cannot be taken back by a 36.5 in the evening
 * (only the rules' clearing, a correction or an appeal end it).
 */
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
    await this.ctx.stores.checkIns.insert({ id: this.ctx.newId(), residentId, date, at: now.getTime(), temperature: Math.round(input.temperature * 10) / 10, symptoms: [...new Set(input.symptoms)] });
    return { date, decision: await this.decisions.decide(residentId, `check-in on ${date}`) };
  }

  /** Today's readings (local calendar day), none yet being an empty list. */
  async today(residentId: string): Promise<DayOfCheckIns> {
    return this.day(residentId, localDate(this.ctx.clock.now(), this.ctx.settings.timeZone));
  }

  /** The readings of one local calendar day: a check-in's answer reads its own day, not the clock again (midnight). */
  async day(residentId: string, date: string): Promise<DayOfCheckIns> {
    return { date, readings: await this.ctx.stores.checkIns.ofDay(residentId, date) };
  }
}
