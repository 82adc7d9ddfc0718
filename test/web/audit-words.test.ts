import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_ACTION_NAMES, describeAuditEntry, PURPOSE_CODES, SEEN_FIELDS, STAFF_ROLE_NAMES } from '../../src/domain/audit-wording.js';
import { actionText, sawText, whoText, whyText } from '../../web/src/shared/audit-words.js';
import { MESSAGES, type MessageKey } from '../../web/src/shared/messages.js';

type Lang = keyof typeof MESSAGES;
/** The apps' translate, on the same catalogue: {name} filled from params. */
const translate = (lang: Lang, key: MessageKey, params: Record<string, string | number> = {}) => MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));

/**
 * The access log's words against the server's lists: every action the server can write, every
 * purpose code it gives, every field it can name as seen and every staff role has words in both
 * languages, so a new one cannot reach a resident as a key.
 */

const LANGS: Lang[] = ['zh-CN', 'en'];
const missing = (keys: string[]) => LANGS.flatMap((lang) => keys.filter((k) => !(k in MESSAGES[lang]) || MESSAGES[lang][k as MessageKey].trim() === '').map((k) => `${lang} ${k}`));

describe('the words of the access log', () => {
  it('has words in both languages for every action the server writes', () => {
    assert.ok(AUDIT_ACTION_NAMES.length >= 30);
    assert.deepEqual(missing(AUDIT_ACTION_NAMES.map((a) => `action.${a}`)), []);
  });

  it('has a sentence in both languages for every purpose code the server gives', () => {
    assert.deepEqual(missing(PURPOSE_CODES.map((c) => `purpose.${c}`)), []);
  });

  it('names in both languages every field an entry can say was seen, and every staff role', () => {
    assert.deepEqual(missing([...SEEN_FIELDS.map((f) => `seen.${f}`), ...STAFF_ROLE_NAMES.map((r) => `role.${r}`)]), []);
  });

  it('words an operator releasing facts in Chinese with its display name, the purpose as a sentence and the kinds of facts sent: no key, id or English', () => {
    const entry = {
      actor: 'operator:zhejiang',
      action: 'release-fact-bundle',
      purpose: 'moving between regions (resident consent by grant)',
      detail: { destination: 'zhejiang', destinationName: '浙江健康码', stays: 2, contacts: 0, cases: 0, tests: 1, vaccinations: 3, declaration: true },
    };
    const described = describeAuditEntry(entry);
    const t = (key: MessageKey, params?: Record<string, string | number>) => translate('zh-CN', key, params);
    const words = [whoText(described.who, t, 'zh-CN', 'resident'), actionText({ action: entry.action, described }, t), whyText(described.why, t).text, sawText(described, t, 'zh-CN', 'resident')].join(' | ');
    assert.equal(words, '健康码平台「浙江健康码」 | 向迁入地健康码平台发送了健康信息 | 迁往其他地区，凭居民本人给出的一次性授权 | 姓名（已打码）、行程（地点和日期）、检测结果、疫苗接种记录、最近一次申报');
    assert.doesNotMatch(words, /[a-z]{3,}|operator:/);
  });
});
