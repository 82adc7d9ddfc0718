import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { applyLogic } from '../../src/domain/rules/json-logic.js';
import { MAX_CONDITION_DEPTH, validateRuleSet } from '../../src/domain/rules/rule-validation.js';
import { describeOnEachEngine } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const rule = DEFAULT_RULES.find((r) => r.id === 'yellow-symptoms')!;
// Conditions here have no time window: the rule states no quarantine days, so only the condition is judged.
const withCondition = (condition: unknown) => ({ region: 'CN', rules: [{ ...rule, outcome: { ...rule.outcome, quarantineDays: 0 }, condition }] });
const messages = (condition: unknown) => validateRuleSet(withCondition(condition)).map((p) => `${p.path}: ${p.message}`);
const nested = (depth: number) => Array.from({ length: depth }).reduce<unknown>((inner) => ({ '!': [inner] }), { var: 'declaration.fever' });

describe('what a published rule may hide', () => {
  it("refuses a forbidden name in a var's default value", () => {
    assert.match(messages({ var: ['declaration.fever', { var: 'origin' }] }).join('\n'), /\[1\]\.var: reads 'origin': rules may not use origin/);
  });

  it("refuses a hukou built with cat in a var's default value", () => {
    assert.match(messages({ var: ['declaration.fever', { var: { cat: ['hu', 'kou'] } }] }).join('\n'), /a var must name a fact as text/);
  });

  it('refuses the log operator wherever it hides', () => {
    for (const condition of [{ var: ['declaration.fever', { log: { var: 'declaration.temperature' } }] }, { missing_some: [{ log: 1 }, ['declaration.fever']] }, { some: [{ var: 'checkIns' }, { var: 'clean' }, { log: 'x' }] }]) {
      assert.match(messages(condition).join('\n'), /operator 'log' is not allowed|takes 2 arguments|needs a number/, JSON.stringify(condition));
    }
  });

  it('refuses forbidden names in the list of missing_some', () => {
    assert.match(messages({ missing_some: [1, ['declaration.fever', 'ethnicity']] }).join('\n'), /missing_some\[1\]\[1\]: reads 'ethnicity'/);
  });

  it('refuses prototype names that every object has', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'declaration.constructor', 'hasOwnProperty']) {
      assert.match(messages({ var: name }).join('\n'), /not in the published fact vocabulary|items do not have/, name);
    }
    assert.match(messages({ some: [{ var: 'stays' }, { var: 'constructor' }] }).join('\n'), /stays items do not have/);
  });

  it('refuses an unknown operator hidden in an argument, naming the allowed ones', () => {
    assert.match(messages({ var: ['declaration.fever', { eval: 'process.exit()' }] }).join('\n'), /operator 'eval' is not allowed; the allowed operators are == ===/);
  });

  it(`refuses a condition nested deeper than ${MAX_CONDITION_DEPTH} levels, and a thousand deep, without walking it`, () => {
    // Each operator is two levels of JSON: the object and its argument list.
    assert.deepEqual(messages(nested(MAX_CONDITION_DEPTH / 2 - 1)), []);
    assert.deepEqual(messages(nested(2000)), [`rules[0].condition: nests deeper than ${MAX_CONDITION_DEPTH} levels`]);
  });

  it('evaluates with an engine that has no log and takes no new operations', () => {
    assert.throws(() => applyLogic({ log: 'resident temperature 38.2' }, {}), /Unrecognized operation log/);
    // Whatever imports json-logic-js, it gets the sealed engine.
    return import('json-logic-js').then(({ default: engine }) => {
      assert.throws(() => engine.add_operation('log', console.log), /takes no new operations/);
    });
  });
});

describeOnEachEngine('publishing a rule that hides things, over HTTP', (h) => {
  it('refuses it on preview and publication, writes no resident data to the log, and codes still answer', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('国家卫健委 规则管理', 'authority');
    const auth = { authorization: `Bearer ${authority.token}` };
    const resident = await signedUpThroughApi(h(), ZHANG_WEI);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${resident.id}/declarations`, headers: resident.auth, payload: { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 38.2 } });
    const hidden = withCondition({ var: ['declaration.fever', { log: { var: 'declaration.temperature' } }] });
    const logsBefore = h().logs.join('');
    for (const url of ['/api/v1/rules/preview', '/api/v1/rules']) {
      const response = await app.inject({ method: 'POST', url, headers: auth, payload: hidden });
      assert.equal(response.statusCode, 422, `${url}: ${response.body}`);
    }
    const deep = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: auth, payload: withCondition(nested(2000)) });
    assert.equal(deep.statusCode, 422);
    // Request timings are logged too, and one may read 38.2 ms: only what else the lines say counts.
    const written = h()
      .logs.join('')
      .slice(logsBefore.length)
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const { responseTime: _timing, ...rest } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(rest);
      });
    assert.ok(!written.some((line) => line.includes('38.2')), 'no temperature reached the log');
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${resident.id}/code`, headers: resident.auth });
    assert.deepEqual([code.statusCode, code.json().colour], [200, 'yellow']);
  });
});
