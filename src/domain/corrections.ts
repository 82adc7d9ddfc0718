import { DAY_MS } from './clock.js';
import type { Colour } from './colour.js';
import { FieldErrorCollector } from './field-errors.js';
import { checkText } from './resident.js';
import type { LocalizedText } from './rules/rule-set.js';

/**
 * An authority setting one resident's colour by hand: the seeds' worst abuse was red codes given
 * for reasons never shown. Here a correction needs a reason from this published list, words of its
 * own, an expiry, and a second authority's approval; the resident sees all of it and may appeal.
 */
export interface CorrectionReason {
  id: string;
  /** The colours this reason may set. */
  colours: Colour[];
  /** What the resident reads as the reason for the colour. */
  description: LocalizedText;
}

export const CORRECTION_REASONS: CorrectionReason[] = [
  {
    id: 'isolation-order',
    colours: ['yellow', 'red'],
    description: { 'zh-CN': '卫生部门对您个人下达了隔离通知。', en: 'The health authority issued an isolation order to you in person.' },
  },
  {
    id: 'test-awaited',
    colours: ['yellow'],
    description: { 'zh-CN': '卫生部门要求您做检测，结果尚未出来。', en: 'The health authority asked you to take a test, and its result is not in yet.' },
  },
  {
    id: 'record-error',
    colours: ['green', 'gray', 'yellow'],
    description: { 'zh-CN': '您的记录有误，卫生部门已更正您的颜色。', en: 'Your records were wrong, and the health authority corrected your colour.' },
  },
];

/** A correction lasts at most this long; a longer need is a new correction, approved again. */
export const MAX_CORRECTION_DAYS = 14;
const NOTE_LENGTH = { min: 5, max: 500 };

export interface CorrectionInput {
  colour: Colour;
  reason: string;
  note: string;
  expiresAt: number;
}

/** Checks a proposed correction; throws InvalidInputError naming each field at fault. */
export function checkCorrection(input: Record<string, unknown>, now: number): CorrectionInput {
  const errors = new FieldErrorCollector();
  const reason = CORRECTION_REASONS.find((r) => r.id === input.reason);
  if (!reason) errors.add('reason', `must be one of the published reasons: ${CORRECTION_REASONS.map((r) => r.id).join(', ')}`);
  const colour = input.colour as Colour;
  if (reason && !reason.colours.includes(colour)) errors.add('colour', `the reason ${reason.id} may set ${reason.colours.join(' or ')}`);
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if ([...note].length < NOTE_LENGTH.min) errors.add('note', `must be ${NOTE_LENGTH.min} to ${NOTE_LENGTH.max} characters saying why, for the resident to read`);
  // The resident reads it as written: no NUL, no U+202E turning "not red" into something else.
  else checkText(errors, 'note', note, NOTE_LENGTH.max, true);
  const expiresAt = typeof input.expiresAt === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(input.expiresAt) ? Date.parse(input.expiresAt) : NaN;
  if (Number.isNaN(expiresAt)) errors.add('expiresAt', 'must be a date and time (ISO 8601)');
  else if (expiresAt <= now || expiresAt > now + MAX_CORRECTION_DAYS * DAY_MS) errors.add('expiresAt', `must be in the next ${MAX_CORRECTION_DAYS} days`);
  errors.throwIfAny();
  return { colour, reason: reason!.id, note, expiresAt };
}

/** A correction in force for the engine: approved, not ended. */
export interface CorrectionFact {
  id: string;
  colour: Colour;
  reason: string;
  note: string;
  approvedAt: number;
  /** When it stops applying: its expiry, or when an authority ended it sooner. */
  endsAt: number;
}
