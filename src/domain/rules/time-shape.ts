import { PART_BITS } from '../facts-at.js';

/**
 * How a condition's answer can move as time alone passes, read from the condition itself once per
 * rule set. Between two instants at which no fact enters or leaves the parts it reads (fact-changes.ts),
 * the evaluation data differs only in ages (days since, hours of an ongoing stay), which can only
 * grow. A comparison of an age with a fixed value can then flip once, and only one way: instead of
 * asking the condition on every day ahead, the engine knows a rising condition true now stays true.
 *
 * - fixed: the value itself does not change;
 * - age: a number (or null, and then for good) that can only grow;
 * - rising: its truth can go from false to true, never back; falling: from true to false, never back;
 * - unknown: anything else, and anything not understood. Only `unknown` is ever a guess.
 */
export type Shape = 'fixed' | 'age' | 'rising' | 'falling' | 'unknown';

export interface TimeShape {
  shape: Shape;
  /** The parts of the evaluation data it may read, as PART_BITS: the facts whose changes matter. */
  parts: number;
}

/** What a variable names: a shape, or a list of items of known fields. */
type Scope = 'top' | 'fixed' | ItemFields;
type ItemFields = Readonly<Record<string, Shape>>;

/** Fields of the list items, by list. riskLevel changes only where a risk area begins or ends, which are changes of facts. */
const ITEM_FIELDS: Readonly<Record<string, ItemFields>> = {
  stays: { region: 'fixed', country: 'fixed', riskLevel: 'fixed', ongoing: 'fixed', source: 'fixed', hours: 'age', daysSinceArrival: 'age', daysSinceDeparture: 'age' },
  contacts: { kind: 'fixed', source: 'fixed', daysAgo: 'age' },
  cases: { status: 'fixed', source: 'fixed', daysAgo: 'age' },
  tests: { result: 'fixed', source: 'fixed', daysAgo: 'age' },
};

/** Fields read at the top, with the part each belongs to. The check-ins are not here: new ones arrive every day. */
const TOP_FIELDS: Readonly<Record<string, { shape: Shape; part: number }>> = {
  'resident.phoneVerified': { shape: 'fixed', part: PART_BITS.resident },
  'resident.identityVerified': { shape: 'fixed', part: PART_BITS.resident },
  'resident.daysSinceRegistration': { shape: 'age', part: PART_BITS.resident },
  'declaration.present': { shape: 'fixed', part: PART_BITS.declaration },
  'declaration.daysSinceLatest': { shape: 'age', part: PART_BITS.declaration },
  'declaration.symptoms': { shape: 'fixed', part: PART_BITS.declaration },
  'declaration.temperature': { shape: 'fixed', part: PART_BITS.declaration },
  'declaration.fever': { shape: 'fixed', part: PART_BITS.declaration },
  'vaccination.doses': { shape: 'fixed', part: PART_BITS.vaccination },
  'vaccination.fullCourse': { shape: 'fixed', part: PART_BITS.vaccination },
  'vaccination.daysSinceLastDose': { shape: 'age', part: PART_BITS.vaccination },
};

const UNKNOWN: TimeShape = { shape: 'unknown', parts: 0 };
const FIXED_VALUE: TimeShape = { shape: 'fixed', parts: 0 };

/** The time shape of a condition as the engine evaluates it against the facts at an instant. */
export function timeShapeOf(condition: unknown): TimeShape {
  return shapeOf(condition, 'top');
}

function shapeOf(node: unknown, scope: Scope): TimeShape {
  if (Array.isArray(node)) return joinFixed(node.map((item) => shapeOf(item, scope)));
  if (typeof node !== 'object' || node === null || Object.keys(node).length !== 1) return FIXED_VALUE;
  const op = Object.keys(node)[0]!;
  const raw = (node as Record<string, unknown>)[op];
  const args: unknown[] = Array.isArray(raw) ? raw : [raw];
  switch (op) {
    case 'var':
      return varShape(args, scope);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(op, args, scope);
    case '!':
    case '!!': {
      if (args.length !== 1) return joinFixed(args.map((a) => shapeOf(a, scope)));
      const inner = truthShape(shapeOf(args[0], scope));
      return op === '!' ? { shape: flip(inner.shape), parts: inner.parts } : inner;
    }
    case 'and':
    case 'or':
      return joinTruth(args.map((a) => shapeOf(a, scope)));
    case 'some':
    case 'all':
    case 'none':
      return iteration(op, args, scope);
    // Operators that look up names of their own making, or iterate without a known direction: understood only on fixed values.
    case 'missing':
    case 'missing_some':
    case 'map':
    case 'filter':
    case 'reduce':
      return scope === 'fixed' && joinFixed(args.map((a) => shapeOf(a, scope))).shape === 'fixed' ? FIXED_VALUE : UNKNOWN;
    default:
      // Every other operator's value is a function of its arguments' values alone.
      return joinFixed(args.map((a) => shapeOf(a, scope)));
  }
}

function varShape(args: unknown[], scope: Scope): TimeShape {
  const [name, fallback] = args;
  const fallbackShape = args.length > 1 ? shapeOf(fallback, scope) : FIXED_VALUE;
  if (args.length > 2 || fallbackShape.shape !== 'fixed') return UNKNOWN;
  // Inside an iteration over a fixed list, every item and everything in it is fixed.
  if (scope === 'fixed') return typeof name === 'object' && name !== null ? joinFixed([shapeOf(name, scope)]) : FIXED_VALUE;
  if (typeof name !== 'string') return UNKNOWN;
  if (scope === 'top') {
    const field = TOP_FIELDS[name];
    return field ? { shape: field.shape, parts: field.part } : UNKNOWN;
  }
  const shape = Object.hasOwn(scope, name) ? scope[name]! : 'unknown';
  return { shape, parts: 0 };
}

/** An age against a fixed value flips once: up for `>`, `>=` (the age reaches it), down for `<`, `<=`. */
function comparison(op: '<' | '<=' | '>' | '>=', args: unknown[], scope: Scope): TimeShape {
  const shapes = args.map((a) => shapeOf(a, scope));
  const parts = partsOf(shapes);
  if (shapes.every((s) => s.shape === 'fixed')) return { shape: 'fixed', parts };
  if (shapes.length !== 2 || shapes.some((s) => s.shape !== 'fixed' && s.shape !== 'age')) return UNKNOWN;
  const ageFirst = shapes[0]!.shape === 'age';
  if (ageFirst && shapes[1]!.shape === 'age') return UNKNOWN;
  const grows = (op === '>' || op === '>=') === ageFirst;
  return { shape: grows ? 'rising' : 'falling', parts };
}

/** some, all and none over one of the fact lists (its items come and go only as facts change) or over a fixed value. */
function iteration(op: 'some' | 'all' | 'none', args: unknown[], scope: Scope): TimeShape {
  if (args.length !== 2) return UNKNOWN;
  const [list, each] = args;
  let itemScope: Scope;
  let parts: number;
  const listShape = shapeOf(list, scope);
  if (listShape.shape === 'fixed') {
    itemScope = 'fixed';
    parts = listShape.parts;
  } else {
    const name = isVar(list) ? (list as { var: unknown }).var : undefined;
    if (scope !== 'top' || typeof name !== 'string' || !Object.hasOwn(ITEM_FIELDS, name)) return UNKNOWN;
    itemScope = ITEM_FIELDS[name]!;
    parts = PART_BITS[name as keyof typeof PART_BITS];
  }
  const inner = truthShape(shapeOf(each, itemScope));
  const shape = op === 'none' ? flip(inner.shape) : inner.shape;
  return { shape, parts: parts | inner.parts };
}

const isVar = (node: unknown) => typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1 && 'var' in node && typeof (node as { var: unknown }).var === 'string';

/** As a truth value: an age's truth is not followed (zero is false). */
function truthShape(s: TimeShape): TimeShape {
  return s.shape === 'age' ? { shape: 'unknown', parts: s.parts } : s;
}

function flip(shape: Shape): Shape {
  return shape === 'rising' ? 'falling' : shape === 'falling' ? 'rising' : shape;
}

const partsOf = (shapes: TimeShape[]) => shapes.reduce((bits, s) => bits | s.parts, 0);

/** A value computed from its arguments' values: fixed if they all are. */
function joinFixed(shapes: TimeShape[]): TimeShape {
  return { shape: shapes.every((s) => s.shape === 'fixed') ? 'fixed' : 'unknown', parts: partsOf(shapes) };
}

/** and/or: their truth is the and/or of their arguments' truths, so it keeps one direction if they all do. */
function joinTruth(shapes: TimeShape[]): TimeShape {
  const truths = shapes.map(truthShape);
  const parts = partsOf(shapes);
  if (truths.every((s) => s.shape === 'fixed')) return { shape: 'fixed', parts };
  for (const way of ['rising', 'falling'] as const) if (truths.every((s) => s.shape === 'fixed' || s.shape === way)) return { shape: way, parts };
  return { shape: 'unknown', parts };
}
