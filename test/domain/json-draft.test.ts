import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonDraftError, lineAndColumn, parseJsonDraft } from '../../web/src/console/json-draft.js';

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
