import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import type { RiskAreaFact } from '../../../src/domain/facts.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';
import { verifiedResident } from '../../support/resident-facts.js';

/** 19:33 in Yuhang on 7 December 2026: 赵丽华 has just checked in. */
const NOW = Date.parse('2026-12-07T19:33:00+08:00');
const evaluator = new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: DEFAULT_RULES }, 'Asia/Shanghai');
const feverCheckIn = { date: '2026-12-07', at: NOW - MINUTE_MS, symptoms: [] as string[], temperature: 38.6 };

/** 赵丽华: yellow since she declared a fever and a cough two days ago; tonight's check-in reads 38.6 °C. */
const zhaoLihua = verifiedResident(NOW, { declarations: [{ at: NOW - 2 * DAY_MS, symptoms: ['dry_cough'], temperature: 38.1 }], checkIns: [feverCheckIn] });

describe('a code raised to red by a check-in in quarantine', () => {
  it('puts the rule that made it red first, coloured red', () => {
    const d = evaluator.decide(zhaoLihua, [], NOW);
    assert.equal(d.colour, 'red');
    assert.equal(d.rules[0]?.id, 'yellow-symptoms');
    assert.equal(d.rules[0]?.colour, 'red');
  });

  it('names the check-in, its day and its reading as the reason, in both languages, before the yellow rule', () => {
    const reason = evaluator.decide(zhaoLihua, [], NOW).rules[0]!.description;
    assert.equal(reason['zh-CN'], '您 2026-12-07 的每日打卡报告发热（38.6°C）：隔离期间打卡有症状或发热，黄码转为红码。黄码的原因：您申报了症状或发热（37.3°C 及以上）。');
    assert.equal(reason.en, "Your daily check-in on 2026-12-07 reported a fever (38.6 °C): during the quarantine, a check-in with symptoms or a fever turns the yellow code red. The yellow code's reason: You declared symptoms or a fever (37.3 °C or more).");
  });

  it('cites the check-in first as evidence, with its reading and time, and only once', () => {
    const evidence = evaluator.decide(zhaoLihua, [], NOW).rules[0]!.evidence;
    assert.deepEqual(evidence[0], { fact: 'check-in', source: 'check-in', at: new Date(feverCheckIn.at).toISOString(), detail: { date: '2026-12-07', symptoms: [], temperature: 38.6 } });
    assert.equal(evidence.filter((e) => e.fact === 'check-in').length, 1);
  });

  it('says symptoms without a fever as symptoms', () => {
    const coughing = { ...zhaoLihua, checkIns: [{ ...feverCheckIn, temperature: 36.8, symptoms: ['dry_cough'] }] };
    assert.match(evaluator.decide(coughing, [], NOW).rules[0]!.description['zh-CN'], /打卡报告有症状：/);
  });

  it('does not cite a declaration without symptoms for a yellow that a check-in alone holds', () => {
    // 13800138005's walk: yellow for a medium-risk stay, declared well, then a feverish check-in.
    const stay = { region: '420106', country: null, arrival: NOW - 3 * DAY_MS, departure: NOW - 2 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 2 * DAY_MS };
    const medium: RiskAreaFact = { region: '420100', country: null, level: 'medium', from: NOW - 10 * DAY_MS, to: null };
    const d = evaluator.decide(verifiedResident(NOW, { stays: [stay], checkIns: [feverCheckIn] }), [medium], NOW - 0 * HOUR_MS);
    assert.equal(d.colour, 'red');
    const symptoms = d.rules.find((r) => r.id === 'yellow-symptoms')!;
    assert.deepEqual(symptoms.evidence.map((e) => e.fact), ['check-in']);
  });

  it('keeps a yellow rule yellow, worded as written, while the check-ins are clean', () => {
    const clean = { ...zhaoLihua, checkIns: [{ ...feverCheckIn, temperature: 36.5 }] };
    const d = evaluator.decide(clean, [], NOW);
    assert.equal(d.colour, 'yellow');
    assert.equal(d.rules[0]?.description['zh-CN'], '您申报了症状或发热（37.3°C 及以上）。');
  });
});
