import { LIST_FACTS, SCALAR_FACTS, type FactType } from '../../../src/domain/index.js';

/**
 * The condition of a rule as a form over the published fact vocabulary: "any of" these clauses, each
 * a test of one fact, or "some item of a list where" tests of its fields hold. It compiles to the
 * JsonLogic the server publishes, and reads back the conditions of that shape; any other condition
 * (nested and/or) is left to the JSON view.
 */
export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'is-true' | 'is-false' | 'contains' | 'not-empty';

export interface Comparison {
  fact: string;
  op: Operator;
  value: string | number | null;
}

export type Clause = { kind: 'fact'; test: Comparison } | { kind: 'list'; list: string; where: Comparison[] };

const COMPARE = ['==', '!=', '<', '<=', '>', '>='] as const;

/** The operators that make sense for a fact of each type. */
export function operatorsFor(type: FactType): Operator[] {
  switch (type) {
    case 'boolean':
      return ['is-true', 'is-false'];
    case 'number':
    case 'number-or-null':
      return ['<', '<=', '==', '>=', '>', '!='];
    case 'text-list':
      return ['contains', 'not-empty'];
    default:
      return ['==', '!='];
  }
}

export function typeOf(fact: string, list?: string): FactType | undefined {
  return list === undefined ? SCALAR_FACTS[fact]?.type : LIST_FACTS[list]?.item[fact]?.type;
}

function compile(c: Comparison): unknown {
  const v = { var: c.fact };
  switch (c.op) {
    case 'is-true':
      return v;
    case 'is-false':
      return { '!': [v] };
    case 'not-empty':
      return { '!!': [v] };
    case 'contains':
      return { in: [c.value, v] };
    default:
      return { [c.op]: [v, c.value] };
  }
}

const all = (parts: unknown[]) => (parts.length === 1 ? parts[0] : { and: parts });

/** The JsonLogic of "any of" `clauses`. */
export function conditionOf(clauses: Clause[]): unknown {
  const parts = clauses.map((c) => (c.kind === 'fact' ? compile(c.test) : { some: [{ var: c.list }, all(c.where.map(compile))] }));
  return parts.length === 1 ? parts[0] : { or: parts };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 1;
const varName = (x: unknown): string | undefined => (isObject(x) && typeof x.var === 'string' ? x.var : undefined);

function readComparison(x: unknown): Comparison | undefined {
  const plain = varName(x);
  if (plain !== undefined) return { fact: plain, op: 'is-true', value: null };
  if (!isObject(x)) return undefined;
  const [op, args] = Object.entries(x)[0]!;
  if (!Array.isArray(args)) return undefined;
  if (op === '!' && args.length === 1 && varName(args[0]) !== undefined) return { fact: varName(args[0])!, op: 'is-false', value: null };
  if (op === '!!' && args.length === 1 && varName(args[0]) !== undefined) return { fact: varName(args[0])!, op: 'not-empty', value: null };
  if (op === 'in' && args.length === 2 && typeof args[0] === 'string' && varName(args[1]) !== undefined) return { fact: varName(args[1])!, op: 'contains', value: args[0] };
  if ((COMPARE as readonly string[]).includes(op) && args.length === 2 && varName(args[0]) !== undefined && (typeof args[1] === 'number' || typeof args[1] === 'string' || args[1] === null)) {
    return { fact: varName(args[0])!, op: op as Operator, value: args[1] };
  }
  return undefined;
}

function readClause(x: unknown): Clause | undefined {
  if (isObject(x) && Array.isArray(x.some) && x.some.length === 2 && varName(x.some[0]) !== undefined) {
    const body = x.some[1];
    const parts = isObject(body) && Array.isArray(body.and) ? body.and : [body];
    const where = parts.map(readComparison);
    return where.every((w): w is Comparison => w !== undefined) ? { kind: 'list', list: varName(x.some[0])!, where } : undefined;
  }
  const test = readComparison(x);
  return test && { kind: 'fact', test };
}

/** The clauses of a condition of the form's shape, or undefined for one the form cannot show. */
export function clausesOf(condition: unknown): Clause[] | undefined {
  const parts = isObject(condition) && Array.isArray(condition.or) ? condition.or : [condition];
  const clauses = parts.map(readClause);
  return clauses.every((c): c is Clause => c !== undefined) && clauses.length > 0 ? clauses : undefined;
}
