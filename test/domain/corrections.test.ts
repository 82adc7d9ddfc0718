import { verifiedResident } from '../support/resident-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { CorrectionFact } from '../../src/domain/corrections.js';
import type { ResidentFacts } from '../../src/domain/facts.js';
import { RuleEvaluator } from '../../src/domain/rules/decide.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const evaluator = new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: DEFAULT_RULES }, 'Asia/Shanghai');
const resident = (extra: Partial<ResidentFacts> = {}) => verifiedResident(NOW, extra);
const correction = (extra: Partial<CorrectionFact> = {}): CorrectionFact => ({ id: 'c1', colour: 'red', reason: 'isolation-order', note: '居家隔离通知 2026-118 号', approvedAt: NOW - HOUR_MS, endsAt: NOW + 3 * DAY_MS, ...extra });
const closeContact = { kind: 'close' as const, at: NOW - DAY_MS, source: 'trace' as const, recordedAt: NOW - DAY_MS };

describe('a decision under a correction', () => {
  it('takes the corrected colour, lists the correction first and the rules after it', () => {
    const d = evaluator.decide(resident({ corrections: [correction()] }), [], NOW);
    assert.equal(d.colour, 'red');
    assert.deepEqual(d.rules.map((r) => r.id), ['correction']);
    assert.equal(d.greenOn, NOW + 3 * DAY_MS);
  });

  it('turns green when both the correction and the rules allow it, whichever is later', () => {
    const byRules = evaluator.decide(resident({ contacts: [closeContact] }), [], NOW);
    const d = evaluator.decide(resident({ contacts: [closeContact], corrections: [correction()] }), [], NOW);
    assert.deepEqual(d.rules.map((r) => r.id), ['correction', 'red-close-contact']);
    assert.equal(d.greenOn, byRules.greenOn, 'the quarantine outlasts the correction');
  });

  it('may lower a colour the records got wrong, still showing the rules that fired', () => {
    const d = evaluator.decide(resident({ contacts: [closeContact], corrections: [correction({ colour: 'green', reason: 'record-error' })] }), [], NOW);
    assert.deepEqual([d.colour, d.greenOnNote], ['green', 'already-green']);
    assert.deepEqual(d.rules.map((r) => r.id), ['correction', 'red-close-contact']);
  });

  it('applies only between its approval and its end, and the decision is valid no longer than that', () => {
    assert.equal(evaluator.decide(resident({ corrections: [correction({ approvedAt: NOW + HOUR_MS })] }), [], NOW).colour, 'green');
    assert.equal(evaluator.decide(resident({ corrections: [correction({ endsAt: NOW })] }), [], NOW).colour, 'green');
    assert.equal(evaluator.nextChange(resident({ corrections: [correction({ endsAt: NOW + 2 * HOUR_MS })] }), [], NOW) <= NOW + 2 * HOUR_MS, true);
  });
});
