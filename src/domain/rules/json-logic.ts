import jsonLogic from 'json-logic-js';

/**
 * The JsonLogic engine rules are evaluated with: a compiler of our own that turns a condition into
 * nested closures once, then runs them for every resident and instant.
 *
 * Why not generated code (json-logic-engine and the like compile with `new Function`): rules are
 * JSON published by operators, and in a federation another operator's rules are evaluated here.
 * Turning operator-supplied JSON into source text is an injection surface one escaping slip away
 * from running code, and it needs `unsafe-eval` under a content security policy. Closures give most
 * of the speed (no tree walk, no operator lookup, no argument arrays per call) and can only do what
 * the listed operators do: an operator not listed fails at compile time, before any data is read.
 *
 * The semantics are json-logic-js 2.0.5's, operator for operator (the reference it is tested against:
 * test/domain/rules/json-logic-*.test.ts). json-logic-js itself stays sealed here, without `log` and
 * without the means to add operations, so that no module that imports it can extend it.
 */
jsonLogic.rm_operation('log');
jsonLogic.add_operation = () => {
  throw new Error('the rule engine takes no new operations');
};
jsonLogic.rm_operation = () => {
  throw new Error('the rule engine is sealed');
};
Object.freeze(jsonLogic);

/** The operators a condition may use; publication checks against this list (rule-validation.ts). No `method`, no `log`. */
export const LOGIC_OPERATORS: ReadonlySet<string> = new Set([
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!', '!!', 'and', 'or', 'if', '?:', 'in',
  'var', 'missing', 'missing_some', 'some', 'all', 'none', 'filter', 'map', 'reduce',
  '+', '-', '*', '/', '%', 'min', 'max', 'merge', 'cat', 'substr',
]);

/** A compiled condition: the data it reads in, the value out. */
export type CompiledLogic = (data: unknown) => unknown;

/** JsonLogic's truthiness: an empty array is false, otherwise JavaScript's. */
export const truthy = (value: unknown): boolean => (Array.isArray(value) && value.length === 0 ? false : !!value);

const isLogic = (node: unknown): node is Record<string, unknown> => typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1;

/** Conditions compiled so far, by identity: a rule set's conditions are compiled once for as long as it lives. */
const compiled = new WeakMap<object, CompiledLogic>();

/** Compiles a condition (remembered per condition object); throws on an operator not listed. */
export function compileLogic(logic: unknown): CompiledLogic {
  if (typeof logic !== 'object' || logic === null) return () => logic;
  let fn = compiled.get(logic);
  if (!fn) compiled.set(logic, (fn = compileNode(logic)));
  return fn;
}

/** Evaluates a condition against data (compiled on first use). */
export const applyLogic = (logic: unknown, data: unknown): unknown => compileLogic(logic)(data);

function compileNode(logic: unknown): CompiledLogic {
  if (Array.isArray(logic)) {
    const items = logic.map(compileNode);
    return (data) => items.map((item) => item(data));
  }
  // Anything but a one-key object is a value: returned as it is, the same object each time.
  if (!isLogic(logic)) return () => logic;
  const op = Object.keys(logic)[0]!;
  const raw = logic[op];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (!LOGIC_OPERATORS.has(op)) throw new Error(`Unrecognized operation ${op}`);
  switch (op) {
    case 'if':
    case '?:':
      return compileIf(values.map(compileNode));
    case 'and': {
      const parts = values.map(compileNode);
      return (data) => {
        let current: unknown;
        for (const part of parts) if (!truthy((current = part(data)))) return current;
        return current;
      };
    }
    case 'or': {
      const parts = values.map(compileNode);
      return (data) => {
        let current: unknown;
        for (const part of parts) if (truthy((current = part(data)))) return current;
        return current;
      };
    }
    case 'filter':
    case 'map':
    case 'all':
    case 'none':
    case 'some':
      return compileIteration(op, compileNode(values[0]), compileNode(values[1]));
    case 'reduce': {
      const list = compileNode(values[0]);
      const step = compileNode(values[1]);
      const initial = values[2] !== undefined ? compileNode(values[2]) : () => null;
      return (data) => {
        const items = list(data);
        const start = initial(data);
        if (!Array.isArray(items)) return start;
        return items.reduce((accumulator: unknown, current: unknown) => step({ current, accumulator }), start);
      };
    }
    case 'var':
      return compileVar(values);
  }
  const args = values.map(compileNode);
  const operation = OPERATIONS[op]!;
  // Fixed arities get closures without an argument array: the common comparisons run per list item.
  if (args.length === 1) {
    const [a] = args as [CompiledLogic];
    return (data) => operation(data, a(data));
  }
  if (args.length === 2) {
    const [a, b] = args as [CompiledLogic, CompiledLogic];
    return (data) => operation(data, a(data), b(data));
  }
  return (data) => operation(data, ...args.map((arg) => arg(data)));
}

function compileIf(parts: CompiledLogic[]): CompiledLogic {
  return (data) => {
    let i = 0;
    for (; i < parts.length - 1; i += 2) if (truthy(parts[i]!(data))) return parts[i + 1]!(data);
    return parts.length === i + 1 ? parts[i]!(data) : null;
  };
}

function compileIteration(op: 'filter' | 'map' | 'all' | 'none' | 'some', list: CompiledLogic, each: CompiledLogic): CompiledLogic {
  switch (op) {
    case 'filter':
      return (data) => {
        const items = list(data);
        return Array.isArray(items) ? items.filter((item) => truthy(each(item))) : [];
      };
    case 'map':
      return (data) => {
        const items = list(data);
        return Array.isArray(items) ? items.map((item) => each(item)) : [];
      };
    case 'all':
      return (data) => {
        const items = list(data);
        if (!Array.isArray(items) || items.length === 0) return false;
        for (const item of items) if (!truthy(each(item))) return false;
        return true;
      };
    case 'none':
      return (data) => {
        const items = list(data);
        if (!Array.isArray(items) || items.length === 0) return true;
        for (const item of items) if (truthy(each(item))) return false;
        return true;
      };
    case 'some':
      return (data) => {
        const items = list(data);
        if (!Array.isArray(items) || items.length === 0) return false;
        for (const item of items) if (truthy(each(item))) return true;
        return false;
      };
  }
}

/** A var with a literal name is split once; a computed one is looked up as json-logic-js does. */
function compileVar(values: unknown[]): CompiledLogic {
  const name = values[0];
  const fallback = compileNode(values[1]);
  if (values.length <= 2 && (typeof name === 'string' || typeof name === 'number')) {
    if (name === '') return (data) => (fallback(data), data);
    const path = String(name).split('.');
    if (path.length === 1) {
      const key = path[0]!;
      return (data) => {
        const notFound = fallback(data);
        if (data === null || data === undefined) return notFound ?? null;
        const value = (data as Record<string, unknown>)[key];
        return value === undefined ? (notFound ?? null) : value;
      };
    }
    if (path.length === 2) {
      // Two names (declaration.fever), the usual depth: lookup's steps written out.
      const [first, second] = path as [string, string];
      return (data) => {
        const notFound = fallback(data) ?? null;
        if (data === null || data === undefined) return notFound;
        const outer = (data as Record<string, unknown>)[first];
        if (outer === null || outer === undefined) return notFound;
        const value = (outer as Record<string, unknown>)[second];
        return value === undefined ? notFound : value;
      };
    }
    return (data) => lookup(data, path, fallback(data));
  }
  const args = values.map(compileNode);
  return (data) => {
    const evaluated = args.map((arg) => arg(data));
    return varOf(data, evaluated[0], evaluated[1]);
  };
}

function lookup(data: unknown, path: string[], fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  let value = data;
  for (const key of path) {
    if (value === null || value === undefined) return notFound;
    value = (value as Record<string, unknown>)[key];
    if (value === undefined) return notFound;
  }
  return value;
}

function varOf(data: unknown, name: unknown, fallback: unknown): unknown {
  if (name === undefined || name === '' || name === null) return data;
  return lookup(data, String(name).split('.'), fallback);
}

/** `missing` as json-logic-js has it: a key is itself evaluated (as the var it becomes), then looked up. */
function missing(data: unknown, args: unknown[]): unknown[] {
  const keys: unknown[] = Array.isArray(args[0]) ? args[0] : args;
  const out: unknown[] = [];
  for (const key of keys) {
    const parts = Array.isArray(key) ? key.map((k) => evaluateValue(k, data)) : [evaluateValue(key, data)];
    const value = varOf(data, parts[0], parts[1]);
    if (value === null || value === '') out.push(key);
  }
  return out;
}

/** A value computed at run time that json-logic-js would evaluate again as logic (missing_some's list). */
function evaluateValue(value: unknown, data: unknown): unknown {
  return typeof value === 'object' && value !== null ? compileNode(value)(data) : value;
}

const num = (x: unknown) => parseFloat(x as string);

/* eslint-disable eqeqeq -- JsonLogic's == and != are JavaScript's loose comparisons. */
const OPERATIONS: Record<string, (data: unknown, ...args: any[]) => unknown> = {
  '==': (_, a, b) => a == b,
  '===': (_, a, b) => a === b,
  '!=': (_, a, b) => a != b,
  '!==': (_, a, b) => a !== b,
  '>': (_, a, b) => a > b,
  '>=': (_, a, b) => a >= b,
  '<': (_, a, b, c) => (c === undefined ? a < b : a < b && b < c),
  '<=': (_, a, b, c) => (c === undefined ? a <= b : a <= b && b <= c),
  '!!': (_, a) => truthy(a),
  '!': (_, a) => !truthy(a),
  '%': (_, a, b) => a % b,
  in: (_, a, b) => (!b || typeof b.indexOf === 'undefined' ? false : b.indexOf(a) !== -1),
  cat: (_, ...args) => args.join(''),
  substr: (_, source, start, end) => {
    if (end < 0) {
      // A negative end counts from the end, as PHP's substr does.
      const temp = String(source).substr(start);
      return temp.substr(0, temp.length + end);
    }
    return String(source).substr(start, end);
  },
  '+': (_, ...args) => args.reduce((a: unknown, b: unknown) => num(a) + num(b), 0),
  // No initial value, as in json-logic-js: `*` of nothing throws.
  '*': (_, ...args) => args.reduce((a: unknown, b: unknown) => num(a) * num(b)),
  '-': (_, a, b) => (b === undefined ? -a : a - b),
  '/': (_, a, b) => a / b,
  min: (_, ...args) => Math.min(...args),
  max: (_, ...args) => Math.max(...args),
  merge: (_, ...args) => args.reduce((a: unknown[], b: unknown) => a.concat(b), []),
  missing: (data, ...args) => missing(data, args),
  missing_some: (data, need, options) => {
    // json-logic-js asks {"missing": options}: the list's items are evaluated once more as logic.
    const evaluated = Array.isArray(options) ? options.map((o) => evaluateValue(o, data)) : [evaluateValue(options, data)];
    const absent = missing(data, evaluated);
    return options.length - absent.length >= need ? [] : absent;
  },
};
/* eslint-enable eqeqeq */
