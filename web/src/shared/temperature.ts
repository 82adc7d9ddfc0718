import { MAX_TEMPERATURE_C, MIN_TEMPERATURE_C } from '../../../src/domain/index.js';

/** Why a typed temperature cannot be sent, as the message key the field shows. */
export type TemperatureProblem = 'temperature.missing' | 'temperature.missingOrNone' | 'temperature.range';

export type TemperatureReading = { ok: true; value: number | null } | { ok: false; problem: TemperatureProblem };

/**
 * A body temperature as typed, in °C. Nothing is filled in for the person: a number they never
 * measured, under a warning that a false declaration is an offence, is worse than none. Where the
 * form lets them say they have not measured it (`notMeasured`), that is sent as null; otherwise an
 * empty field is a problem named at the field. A decimal comma (36,8) is read as a point.
 */
export function readTemperature(text: string, options: { notMeasuredAllowed: boolean; notMeasured?: boolean }): TemperatureReading {
  if (options.notMeasuredAllowed && options.notMeasured) return { ok: true, value: null };
  const typed = text.trim().replace(',', '.');
  if (typed === '') return { ok: false, problem: options.notMeasuredAllowed ? 'temperature.missingOrNone' : 'temperature.missing' };
  const value = /^\d{2}(\.\d+)?$/.test(typed) ? Number(typed) : Number.NaN;
  if (!(value >= MIN_TEMPERATURE_C && value <= MAX_TEMPERATURE_C)) return { ok: false, problem: 'temperature.range' };
  return { ok: true, value: Math.round(value * 10) / 10 };
}
