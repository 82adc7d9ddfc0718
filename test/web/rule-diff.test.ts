import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffOverrides, diffRules, shownValue } from '../../web/src/console/rule-diff.js';

/** The national rule on a missing declaration, as version 1 of a set publishes it. */
const GRAY = { id: 'gray-no-recent-declaration', description: { 'zh-CN': '您 14 天内没有健康申报。', en: 'You have not declared in 14 days.' }, outcome: { colour: 'gray' }, version: 1 };
const REASON = { 'zh-CN': '余杭区以每日健康打卡代替 14 天申报。', en: 'Yuhang takes daily check-ins in place of the declaration.' };

describe("what changed between two versions of a region's rules", () => {
  it('names a rule added, one removed, and each field of one changed, ignoring its version', () => {
    const reworded = { ...GRAY, description: { ...GRAY.description, en: 'No declaration in the last 14 days.' }, version: 2 };
    const added = { id: 'yellow-low-fever', outcome: { colour: 'yellow' } };
    assert.deepEqual(diffRules([GRAY, { id: 'gold-vaccinated' }], [reworded, added]), [
      { id: GRAY.id, change: 'changed', fields: [{ field: 'description', before: GRAY.description, after: reworded.description }] },
      { id: 'yellow-low-fever', change: 'added', fields: [] },
      { id: 'gold-vaccinated', change: 'removed', fields: [] },
    ]);
  });

  it('finds a version that only withdraws one more inherited rule, which the rules alone would call unchanged', () => {
    const v1 = [{ id: GRAY.id, reason: REASON }];
    const v2 = [...v1, { id: 'gold-vaccinated', reason: REASON }];
    assert.deepEqual(diffRules([], []), []);
    assert.deepEqual(diffOverrides(v1, v2), [{ id: 'gold-vaccinated', change: 'added', after: REASON }]);
  });

  it('names an override ended and one whose reason was reworded', () => {
    const reworded = { ...REASON, en: 'Daily check-ins replace the declaration in Yuhang.' };
    assert.deepEqual(diffOverrides([{ id: GRAY.id, reason: REASON }, { id: 'gold-vaccinated', reason: REASON }], [{ id: GRAY.id, reason: reworded }]), [
      { id: GRAY.id, change: 'changed', before: REASON, after: reworded },
      { id: 'gold-vaccinated', change: 'removed', before: REASON },
    ]);
  });

  it('treats a set published before overrides existed as overriding nothing', () => {
    assert.deepEqual(diffOverrides(undefined, undefined), []);
  });

  it("shows a two-language text in the reader's words and anything else as JSON", () => {
    const chinese = (text: Record<'zh-CN' | 'en', string>) => text['zh-CN'];
    assert.equal(shownValue(GRAY.description, chinese), '您 14 天内没有健康申报。');
    assert.equal(shownValue({ colour: 'gray' }, chinese), '{"colour":"gray"}');
    assert.equal(shownValue(undefined, chinese), '—');
  });
});
