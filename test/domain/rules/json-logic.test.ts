import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyLogic, compileLogic, LOGIC_OPERATORS } from '../../../src/domain/rules/json-logic.js';

/** JsonLogic's own conformance cases, kept in the repository with their source and licence (json-logic-tests.json). */
const official = JSON.parse(readFileSync(new URL('./json-logic-tests.json', import.meta.url), 'utf8')) as { source: string; licence: string; tests: unknown[] };

/** The operators a case uses that rules may not: such a case is listed as skipped, saying which. */
function refusedOperators(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => refusedOperators(item, out));
  else if (typeof node === 'object' && node !== null) {
    const keys = Object.keys(node);
    if (keys.length === 1 && !LOGIC_OPERATORS.has(keys[0]!)) out.add(keys[0]!);
    for (const value of Object.values(node)) refusedOperators(value, out);
  }
  return out;
}

/** The cases under each heading of the file, in order. */
function sections(): { heading: string; cases: [unknown, unknown, unknown][] }[] {
  const out: { heading: string; cases: [unknown, unknown, unknown][] }[] = [];
  for (const entry of official.tests) {
    if (typeof entry === 'string') out.push({ heading: entry.replace(/^#\s*/, ''), cases: [] });
    else out.at(-1)!.cases.push(entry as [unknown, unknown, unknown]);
  }
  return out;
}

describe("JsonLogic's official tests, on the compiled engine", () => {
  it('keeps the source and the licence beside the cases', () => {
    assert.match(official.source, /github\.com\/jwadhams\/json-logic/);
    assert.match(official.licence, /^MIT/);
    assert.ok(official.tests.filter(Array.isArray).length > 250);
  });

  for (const { heading, cases } of sections()) {
    const refused = cases.filter(([logic]) => refusedOperators(logic).size > 0);
    it(heading, () => {
      for (const [logic, data, expected] of cases.filter((c) => !refused.includes(c))) {
        assert.deepStrictEqual(applyLogic(logic, data), expected, `${JSON.stringify(logic)} on ${JSON.stringify(data)}`);
      }
    });
    for (const [logic] of refused) {
      it(`${heading}: ${JSON.stringify(logic)}`, { skip: `uses ${[...refusedOperators(logic)].join(', ')}, which rules may not (rule-validation.ts)` }, () => {});
    }
  }
});

describe('the compiled engine', () => {
  it('refuses an operator rules may not use when compiling, before reading any data', () => {
    let read = false;
    const data = {
      get fever() {
        read = true;
        return true;
      },
    };
    assert.throws(() => compileLogic({ if: [{ var: 'fever' }, 1, { method: ['x', 'constructor'] }] }), /Unrecognized operation method/);
    assert.throws(() => applyLogic({ and: [{ var: 'fever' }, { log: 'x' }] }, data), /Unrecognized operation log/);
    assert.equal(read, false);
  });

  it('compiles a condition once however often it is asked', () => {
    const condition = { '<': [{ var: 'daysAgo' }, 14] };
    assert.equal(compileLogic(condition), compileLogic(condition));
  });

  it('generates no code: its source has no eval and no Function constructor', () => {
    const source = readFileSync(new URL('../../../src/domain/rules/json-logic.ts', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(source, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
  });
});
