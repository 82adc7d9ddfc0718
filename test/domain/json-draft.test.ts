import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftText, JsonDraftError, lineAndColumn, parseJsonDraft } from '../../web/src/console/json-draft.js';

describe('a rule set typed as JSON in the console', () => {
  it('parses when it is JSON', () => {
    assert.deepEqual(parseJsonDraft('{"region": "CN", "rules": []}'), { region: 'CN', rules: [] });
  });

  it('names the line and column of a missing comma, as an editor counts them', () => {
    const draft = '{\n  "region": "CN"\n  "rules": []\n}';
    assert.throws(() => parseJsonDraft(draft), (error: unknown) => error instanceof JsonDraftError && error.line === 3 && error.column === 3);
  });

  it('places a draft cut short at its end', () => {
    const draft = '{\n  "region": "CN",\n  "rules": [';
    assert.throws(() => parseJsonDraft(draft), (error: unknown) => error instanceof JsonDraftError && error.line === 3 && error.column === 13);
  });

  it('counts lines and columns from 1', () => {
    assert.deepEqual(lineAndColumn('ab\ncd', 4), { line: 2, column: 2 });
  });
});

describe('a draft made from a served rule set', () => {
  it('leaves out the Traditional Chinese the server converts as it answers, keeping what an authority writes', () => {
    const served = { region: '330100', rules: [{ id: 'fever', description: { 'zh-CN': '申报发热。', 'zh-Hant': '申報發熱。', en: 'You declared a fever.' }, outcome: { colour: 'yellow' } }] };
    assert.deepEqual(JSON.parse(draftText(served)), { region: '330100', rules: [{ id: 'fever', description: { 'zh-CN': '申报发热。', en: 'You declared a fever.' }, outcome: { colour: 'yellow' } }] });
  });

  it('leaves out how a replaced inherited rule clears, which the server makes from its outcome', () => {
    const clears = { 'zh-CN': '自下列最后一次接触风险之日起满 7 天后解除。', 'zh-Hant': '自下列最後一次接觸風險之日起滿 7 天後解除。', en: 'Clears 7 days after your last exposure listed below.' };
    const draft = { region: '330100', rules: [{ id: 'fever', region: '330100', outcome: { colour: 'yellow', quarantineDays: 7 }, clears }] };
    assert.deepEqual(JSON.parse(draftText(draft)), { region: '330100', rules: [{ id: 'fever', region: '330100', outcome: { colour: 'yellow', quarantineDays: 7 } }] });
  });
});
