import { Ajv } from 'ajv';
import { COLOURS, MARKS } from '../colour.js';
import { forbiddenCategory, LIST_FACTS, SCALAR_FACTS } from './fact-vocabulary.js';
import { LOGIC_OPERATORS } from './json-logic.js';
import type { Rule } from './rule-set.js';

/** One reason a rule set cannot be published: which rule, where in it, and why. */
export interface RuleProblem {
  rule: string | null;
  path: string;
  message: string;
}

const text = { type: 'string', minLength: 1, maxLength: 2000 };
const localized = { type: 'object', additionalProperties: false, required: ['zh-CN', 'en'], properties: { 'zh-CN': text, en: text } };
const instant = { type: 'string', format: 'date-time' };

const RULE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'region', 'validFrom', 'validTo', 'outcome', 'description', 'howToClear', 'condition'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,63}$' },
    version: { type: 'integer', minimum: 1 },
    region: { type: 'string', pattern: '^(CN|\\d{6})$' },
    validFrom: instant,
    validTo: { anyOf: [instant, { type: 'null' }] },
    outcome: {
      type: 'object',
      additionalProperties: false,
      required: ['colour', 'quarantineDays', 'checkIns'],
      properties: {
        colour: { enum: [...COLOURS] },
        quarantineDays: { type: 'integer', minimum: 0, maximum: 28 },
        checkIns: {
          anyOf: [
            { type: 'null' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['required', 'onSymptoms'],
              properties: { required: { type: 'integer', minimum: 1, maximum: 28 }, onSymptoms: { enum: ['reset', 'escalate'] } },
            },
          ],
        },
        mark: { enum: [...MARKS] },
      },
    },
    description: localized,
    howToClear: localized,
    condition: {},
  },
};

const RULE_SET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['region', 'rules'],
  properties: {
    region: { type: 'string', pattern: '^(CN|\\d{6})$' },
    rules: { type: 'array', minItems: 0, maxItems: 200, items: RULE_SCHEMA },
    overrides: {
      type: 'array',
      maxItems: 200,
      items: { type: 'object', additionalProperties: false, required: ['id', 'reason'], properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,63}$' }, reason: localized } },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) });
const validateShape = ajv.compile(RULE_SET_SCHEMA);

/** JsonLogic operators a rule may use: comparison, logic, arithmetic, list iteration; the engine compiles no others. No `method`, no `log`. */
const OPERATORS = LOGIC_OPERATORS;
const ITERATORS = new Set(['some', 'all', 'none', 'filter', 'map']);

/** How deep a condition may nest, in levels of JSON (an operator and its argument list are two); the default rules need 9. Deeper is refused before it is walked. */
export const MAX_CONDITION_DEPTH = 32;

type Scope = { kind: 'top' } | { kind: 'item'; list: string } | { kind: 'reduce'; list: string };

function pointer(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** Checks a rule set before publication; an empty list means it may be published. */
export function validateRuleSet(input: unknown): RuleProblem[] {
  if (!validateShape(input)) {
    return (validateShape.errors ?? []).map((e) => {
      const at = pointer(e.instancePath);
      const index = /^rules\[(\d+)\]/.exec(at)?.[1];
      const ruleId = index !== undefined ? ((input as { rules?: { id?: unknown }[] }).rules?.[Number(index)]?.id ?? null) : null;
      const field = e.keyword === 'additionalProperties' ? `${at}.${String(e.params.additionalProperty)}` : e.keyword === 'required' ? `${at ? `${at}.` : ''}${String(e.params.missingProperty)}` : at;
      const message = e.keyword === 'additionalProperties' ? 'is not a known field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
      return { rule: typeof ruleId === 'string' ? ruleId : null, path: field, message };
    });
  }
  const ruleSet = input as { region: string; rules: Rule[] };
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  ruleSet.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (seen.has(rule.id)) problems.push({ rule: rule.id, path: `${at}.id`, message: 'appears twice in the rule set' });
    seen.add(rule.id);
    if (rule.region !== ruleSet.region) problems.push({ rule: rule.id, path: `${at}.region`, message: `must be the rule set's region ${ruleSet.region}` });
    if (rule.validTo !== null && Date.parse(rule.validTo) <= Date.parse(rule.validFrom)) problems.push({ rule: rule.id, path: `${at}.validTo`, message: 'must be after validFrom' });
    if (rule.outcome.mark !== undefined && rule.outcome.colour !== 'green') problems.push({ rule: rule.id, path: `${at}.outcome.mark`, message: 'only a green outcome carries a mark' });
    const report = (path: string, message: string) => problems.push({ rule: rule.id, path, message });
    if (depthOf(rule.condition, MAX_CONDITION_DEPTH) > MAX_CONDITION_DEPTH) report(`${at}.condition`, `nests deeper than ${MAX_CONDITION_DEPTH} levels`);
    else {
      const before = problems.length;
      checkLogic(rule.condition, { kind: 'top' }, `${at}.condition`, report);
      // Only a condition that reads well can be asked for its window.
      if (problems.length === before) checkWindow(rule, `${at}.outcome.quarantineDays`, report);
    }
  });
  return problems;
}

/**
 * The quarantine a rule states is what its explanation promises ("clears 7 days after ..."); the
 * engine clears it when the condition's window ends. They must be the same number of days, or the
 * screen would say one date and the code turn green on another.
 */
function checkWindow(rule: Rule, path: string, report: Report): void {
  const days = rule.outcome.quarantineDays;
  if (days === 0) return;
  const windows = timeWindows(rule.condition);
  if (windows.size === 0) report(path, `states a quarantine of ${days} days, but the condition reads no time window (such as daysAgo < ${days}), so waiting never clears it; state 0 days if an action clears it`);
  else if (!windows.has(days)) report(path, `states a quarantine of ${days} days, but the condition's window is ${[...windows].join(' or ')} days; they must agree`);
}

/** Day counts a condition compares an age with: `days… < N` (and `days… <= N-1`) windows. */
function timeWindows(node: unknown, out = new Set<number>()): Set<number> {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const item of node) timeWindows(item, out);
    return out;
  }
  const [op, args] = Object.entries(node)[0] ?? [];
  if ((op === '<' || op === '<=') && Array.isArray(args) && args.length === 2) {
    const name = isVar(args[0]);
    if (name !== undefined && /(^|\.)days/.test(name) && typeof args[1] === 'number') out.add(op === '<' ? args[1] : args[1] + 1);
  }
  return timeWindows(args, out);
}

function isVar(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const entry = Object.entries(node)[0];
  if (!entry || entry[0] !== 'var') return undefined;
  const name = Array.isArray(entry[1]) ? entry[1][0] : entry[1];
  return typeof name === 'string' ? name : undefined;
}

type Report = (path: string, message: string) => void;

/** Nesting depth of a JSON value, counted without recursion so a hostile one cannot exhaust the stack; stops past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Own keys only: `constructor`, `__proto__` and `toString` are in every object, and in no vocabulary. */
const has = (record: object, key: string) => Object.hasOwn(record, key);

function checkVar(name: unknown, scope: Scope, path: string, report: Report): void {
  if (typeof name !== 'string') return report(path, 'a var must name a fact as text');
  const category = forbiddenCategory(name);
  if (category) return report(path, `reads '${name}': rules may not use ${category} (no origin, household registration, ethnicity or nationality)`);
  if (scope.kind === 'top') {
    if (!has(SCALAR_FACTS, name) && !has(LIST_FACTS, name)) report(path, `reads '${name}', which is not in the published fact vocabulary`);
  } else if (scope.kind === 'item') {
    if (name !== '' && !has(LIST_FACTS[scope.list]!.item, name)) report(path, `reads '${name}', which ${scope.list} items do not have`);
  } else {
    const field = name.startsWith('current.') ? name.slice('current.'.length) : undefined;
    if (name !== 'accumulator' && name !== 'current' && !(field !== undefined && has(LIST_FACTS[scope.list]!.item, field))) {
      report(path, `reads '${name}'; inside reduce use accumulator or current.<field of ${scope.list}>`);
    }
  }
}

/** The fact list an iteration walks over: a var naming a list, or a filter of one. */
function listOf(node: unknown, scope: Scope): string | undefined {
  if (scope.kind !== 'top' || node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const [op, args] = Object.entries(node)[0] ?? [];
  if (op === 'var') {
    const name = Array.isArray(args) ? args[0] : args;
    return typeof name === 'string' && has(LIST_FACTS, name) ? name : undefined;
  }
  if (op === 'filter' && Array.isArray(args)) return listOf(args[0], scope);
  return undefined;
}

function checkLogic(node: unknown, scope: Scope, path: string, report: Report): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkLogic(item, scope, `${path}[${i}]`, report));
    return;
  }
  const entries = Object.entries(node);
  if (entries.length !== 1) return report(path, 'a JsonLogic operation has exactly one operator');
  const [op, rawArgs] = entries[0]!;
  if (!OPERATORS.has(op)) return report(path, `operator '${op}' is not allowed; the allowed operators are ${[...OPERATORS].join(' ')}`);
  const args = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
  const at = `${path}.${op}`;
  // Every argument of every operator is walked: a default value, a count, a name list can all hide
  // an operator or a forbidden name.
  if (op === 'var') {
    checkVar(args[0], scope, Array.isArray(rawArgs) ? `${at}[0]` : at, report);
    args.slice(1).forEach((arg, i) => checkLogic(arg, scope, `${at}[${i + 1}]`, report));
    if (args.length > 2) report(at, 'var takes a fact name and at most a default value');
    return;
  }
  if (op === 'missing') {
    args.forEach((name: unknown, i: number) => checkVar(name, scope, `${at}[${i}]`, report));
    return;
  }
  if (op === 'missing_some') {
    if (typeof args[0] !== 'number') report(`${at}[0]`, 'missing_some needs a number of facts first');
    if (!Array.isArray(args[1]) || args.length !== 2) return report(at, 'missing_some takes a number and a list of fact names');
    args[1].forEach((name: unknown, i: number) => checkVar(name, scope, `${at}[1][${i}]`, report));
    return;
  }
  if (ITERATORS.has(op) || op === 'reduce') {
    const list = listOf(args[0], scope);
    if (list === undefined) return report(`${at}[0]`, `${op} must walk a fact list: ${Object.keys(LIST_FACTS).join(', ')}`);
    checkLogic(args[0], scope, `${at}[0]`, report);
    checkLogic(args[1], op === 'reduce' ? { kind: 'reduce', list } : { kind: 'item', list }, `${at}[1]`, report);
    if (op === 'reduce') checkLogic(args[2], scope, `${at}[2]`, report);
    const expected = op === 'reduce' ? 3 : 2;
    if (args.length > expected) report(at, `${op} takes ${expected} arguments`);
    return;
  }
  args.forEach((arg, i) => checkLogic(arg, scope, `${at}[${i}]`, report));
}
