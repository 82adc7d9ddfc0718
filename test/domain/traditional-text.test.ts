import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { clearingOf, clearingText } from '../../src/domain/rules/clearing.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import type { Rule } from '../../src/domain/rules/rule-set.js';
import { toTraditional, withTraditional } from '../../src/domain/traditional-text.js';
import { describeOnEachEngine } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

describe('server texts in Traditional Chinese', () => {
  it('converts a rule\'s words character by character, keeping their meaning (社區 stays 社區)', () => {
    assert.equal(toTraditional('居家隔离，每天在本应用打卡。请联系社区。'), '居家隔離，每天在本應用打卡。請聯繫社區。');
  });

  it('says 天後 for "days after", where OpenCC alone writes the goddess 天后', () => {
    assert.equal(toTraditional('自下列最后一次接触风险之日起满 7 天后解除。'), '自下列最後一次接觸風險之日起滿 7 天後解除。');
  });

  it('adds zh-Hant beside every two-language text at any depth and nowhere else', () => {
    const answer = { colour: 'red', rules: [{ id: 'red-high-risk-area', description: { 'zh-CN': '高风险地区', en: 'high-risk area' }, evidence: [{ detail: { regionName: '湖北省 武汉市' } }] }] };
    assert.deepEqual(withTraditional(answer), {
      colour: 'red',
      rules: [{ id: 'red-high-risk-area', description: { 'zh-CN': '高风险地区', 'zh-Hant': '高風險地區', en: 'high-risk area' }, evidence: [{ detail: { regionName: '湖北省 武汉市' } }] }],
    });
  });

  it('leaves every stored text as decided: zh-CN, en and all else exactly as sent, the sent object untouched', () => {
    const localized = fc.record({ 'zh-CN': fc.string({ unit: 'grapheme' }), en: fc.string() }, { noNullPrototype: true });
    const payload = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1, noUnicodeString: false }), localized, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4, noNullPrototype: true })),
    })).node;
    fc.assert(
      fc.property(payload, (sent) => {
        const before = structuredClone(sent);
        const answered = withTraditional(sent);
        assert.deepEqual(sent, before);
        // Taking zh-Hant away again gives back exactly what was sent.
        assert.deepEqual(JSON.parse(JSON.stringify(answered, (key, value: unknown) => (key === 'zh-Hant' ? undefined : value))), JSON.parse(JSON.stringify(before)));
      }),
    );
  });
});

describeOnEachEngine('a code\'s reasons over the API', (h) => {
  it('answers each fired rule in Traditional Chinese too, its Simplified Chinese and English exactly as published', async () => {
    const app = await h().app();
    const { id, auth } = await signedUpThroughApi(h(), ZHANG_WEI, app);
    const declared = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 } });
    assert.equal(declared.statusCode, 201);
    const code = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth })).json();
    assert.notEqual(code.rules.length, 0);
    for (const fired of code.rules) {
      const published = DEFAULT_RULES.find((r) => r.id === fired.id)!;
      assert.deepEqual(fired.description, { 'zh-CN': published.description['zh-CN'], 'zh-Hant': toTraditional(published.description['zh-CN']), en: published.description.en });
      assert.equal(fired.howToClear['zh-Hant'], toTraditional(published.howToClear['zh-CN']));
      assert.equal(fired.clears['zh-Hant'], toTraditional(fired.clears['zh-CN']));
    }
    const rules = (await app.inject({ method: 'GET', url: '/api/v1/rules/effective?region=330110' })).json();
    assert.notEqual(rules.rules.length, 0);
    for (const rule of rules.rules as { description: { 'zh-CN': string; 'zh-Hant': string } }[]) assert.equal(rule.description['zh-Hant'], toTraditional(rule.description['zh-CN']));
  });

  it('answers how each public rule clears in all three languages, as a decision by it says it', async () => {
    const app = await h().app();
    const answer = await app.inject({ method: 'GET', url: '/api/v1/rules/effective?region=330110' });
    assert.equal(answer.statusCode, 200);
    const rules = answer.json().rules as { id: string; outcome: Rule['outcome']; clears: Record<string, string> }[];
    assert.notEqual(rules.length, 0);
    for (const rule of rules) {
      const words = clearingText(clearingOf(rule.outcome));
      assert.deepEqual(rule.clears, { 'zh-CN': words['zh-CN'], 'zh-Hant': toTraditional(words['zh-CN']), en: words.en }, rule.id);
      assert.doesNotMatch(rule.clears['zh-Hant']!, /[这为状无发应后时证请离检测关须办触满续员]/u, rule.id);
    }
  });

  it('names a region in Traditional Chinese too, its own name as kept', async () => {
    const app = await h().app();
    const wuchang = (await app.inject({ method: 'GET', url: '/api/v1/regions/420106' })).json();
    assert.deepEqual([wuchang.name, wuchang.traditionalName], ['湖北省 武汉市 武昌区', '湖北省 武漢市 武昌區']);
    const found = (await app.inject({ method: 'GET', url: '/api/v1/regions?q=%E4%BD%99%E6%9D%AD' })).json();
    assert.ok(found.some((r: { code: string; traditionalName: string }) => r.code === '330110' && r.traditionalName.endsWith('餘杭區')));
  });

  it('finds a district typed in Traditional as in Simplified: 餘杭 and 余杭 both offer 浙江省 杭州市 餘杭區', async () => {
    const app = await h().app();
    for (const typed of ['餘杭', '余杭', '杭州 餘杭']) {
      const found = (await app.inject({ method: 'GET', url: `/api/v1/regions?q=${encodeURIComponent(typed)}` })).json() as { code: string; traditionalName: string }[];
      assert.equal(found[0]?.traditionalName, '浙江省 杭州市 餘杭區', typed);
    }
  });
});
