import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { withSimplified } from '../../web/src/console/simplified-draft.js';

const rule = DEFAULT_RULES.find((r) => r.id === 'red-positive-test')!;

describe('a rule draft sent with its Chinese in Simplified', () => {
  it('writes the Traditional a 繁體 officer typed into the zh-CN field as Simplified, English as typed', () => {
    const typed = { ...rule, description: { 'zh-CN': '您在 14 天內有陽性檢測結果，請聯繫社區。', en: 'You had a positive test.' } };
    assert.deepEqual(withSimplified({ region: 'CN', rules: [typed] }).rules[0]!.description, { 'zh-CN': '您在 14 天内有阳性检测结果，请联系社区。', en: 'You had a positive test.' });
  });

  it('leaves every text of the default rule set as kept: Simplified stays as a 简体 officer wrote it', () => {
    assert.deepEqual(withSimplified({ region: 'CN', rules: DEFAULT_RULES }), { region: 'CN', rules: DEFAULT_RULES });
  });

  it('gives back the kept Simplified of every default rule text from the Traditional a 繁體 officer reads', () => {
    const asRead = DEFAULT_RULES.map((r) => ({ ...r, description: { 'zh-CN': toTraditional(r.description['zh-CN']), en: r.description.en }, howToClear: { 'zh-CN': toTraditional(r.howToClear['zh-CN']), en: r.howToClear.en } }));
    assert.deepEqual(withSimplified(asRead), DEFAULT_RULES);
  });

  it('changes nothing but two-language texts, and leaves the draft it was given untouched', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = JSON.stringify(value);
        const hasText = before.includes('"zh-CN"');
        fc.pre(!hasText);
        assert.deepEqual(withSimplified(value), value);
        assert.equal(JSON.stringify(value), before);
      }),
    );
  });
});
