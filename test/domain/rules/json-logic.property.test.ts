import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { applyLogic, LOGIC_OPERATORS } from '../../../src/domain/rules/json-logic.js';
import { validateRuleSet } from '../../../src/domain/rules/rule-validation.js';

/**
 * The compiled engine against json-logic-js, the reference: random conditions over every operator
 * rules may use, on random data, give the same value, or both throw.
 */
const reference = (logic: unknown, data: unknown) => jsonLogic.apply(logic as jsonLogic.RulesLogic, data as Record<string, unknown>);

const NAMES = ['a', 'b', 'c', 'n', 'list', 'items', 'nested', 'nested.d', 'nested.e.f', 'missing', 'x', 'y', '', 'current', 'accumulator', 'current.x', '0', 'list.1'];
const scalar = fc.oneof(fc.integer({ min: -3, max: 20 }), fc.constantFrom(0, -0, 1.5, '1', '2.5', '', 'abc', 'a', 'x', null, true, false));

const data = fc.record({
  a: fc.integer({ min: -5, max: 20 }),
  b: fc.constantFrom('abc', '', '7', 'b'),
  c: fc.constantFrom(true, false, null, 0, ''),
  n: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null)),
  list: fc.array(fc.integer({ min: -3, max: 9 }), { maxLength: 5 }),
  items: fc.array(fc.record({ x: fc.integer({ min: 0, max: 9 }), y: fc.constantFrom('a', 'b', '') }), { maxLength: 4 }),
  nested: fc.record({ d: fc.integer({ min: 0, max: 9 }), e: fc.record({ f: fc.constantFrom('a', 1, null) }) }),
});

const { logic } = fc.letrec<{ logic: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    { arbitrary: scalar, weight: 3 },
    { arbitrary: fc.constantFrom(...NAMES).map((name) => ({ var: name })), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom(...NAMES), scalar).map(([name, fallback]) => ({ var: [name, fallback] })), weight: 1 },
    { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 1 },
  ),
  logic: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: tie('leaf'), weight: 3 },
    {
      // Every allowed operator, with zero to four arguments, as a list or as a lone argument.
      arbitrary: fc
        .tuple(fc.constantFrom(...LOGIC_OPERATORS), fc.array(tie('logic'), { maxLength: 4 }), fc.boolean())
        .map(([op, args, lone]) => ({ [op]: lone && args.length === 1 ? args[0] : args })),
      weight: 3,
    },
    {
      // Iterations over a list in the data, the way rules use them.
      arbitrary: fc
        .tuple(fc.constantFrom('some', 'all', 'none', 'filter', 'map', 'reduce'), fc.constantFrom({ var: 'list' }, { var: 'items' }, { var: 'a' }), tie('logic'), tie('logic'))
        .map(([op, list, each, initial]) => ({ [op]: op === 'reduce' ? [list, each, initial] : [list, each] })),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(fc.nat(3), fc.array(fc.constantFrom(...NAMES), { maxLength: 4 })).map(([need, names]) => ({ missing_some: [need, names] })),
      weight: 1,
    },
  ),
}));

type Outcome = { value: unknown } | { threw: true };
const outcome = (run: () => unknown): Outcome => {
  try {
    return { value: run() };
  } catch {
    return { threw: true };
  }
};

it('gives what json-logic-js gives for random conditions over every allowed operator', () => {
  fc.assert(
    fc.property(logic, data, (condition, facts) => {
      assert.deepStrictEqual(outcome(() => applyLogic(condition, facts)), outcome(() => reference(condition, facts)), JSON.stringify(condition));
    }),
    { numRuns: 20_000 },
  );
});

it('covers every operator rules may publish', () => {
  const published = validateRuleSet({ region: 'CN', rules: [] });
  assert.deepEqual(published, []);
  // The allow-list publication checks names these operators and no others.
  const probe = (op: string) => validateRuleSet({ region: 'CN', rules: [{ id: 'probe', version: 1, region: 'CN', validFrom: '2026-01-01T00:00:00+08:00', validTo: null, outcome: { colour: 'yellow', quarantineDays: 0, checkIns: null }, description: { 'zh-CN': '探', en: 'probe' }, howToClear: { 'zh-CN': '探', en: 'probe' }, condition: { [op]: [] } }] });
  for (const op of LOGIC_OPERATORS) assert.ok(!probe(op).some((p) => p.message.includes('is not allowed')), op);
  for (const op of ['log', 'method', 'eval']) assert.ok(probe(op).some((p) => p.message.includes('is not allowed')), op);
});
