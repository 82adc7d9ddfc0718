import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { chooseLang, LANGUAGES, MESSAGES, textLang } from '../../web/src/shared/messages.js';

const KEYS = Object.keys(MESSAGES.en);
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('every message in every language', () => {
  it('has every key of the English set, with some text, in each language', () => {
    for (const language of LANGUAGES) {
      const messages: Record<string, string> = language.messages;
      const missing = KEYS.filter((key) => typeof messages[key] !== 'string' || messages[key].trim() === '');
      assert.deepEqual(missing, [], `${language.code} lacks ${missing.join(', ')}`);
    }
  });

  it('has no key the English set lacks, so a typo shows here rather than as a message nobody reads', () => {
    for (const language of LANGUAGES) {
      const extra = Object.keys(language.messages).filter((key) => !Object.hasOwn(MESSAGES.en, key));
      assert.deepEqual(extra, [], `${language.code} has keys English lacks`);
    }
  });

  it('keeps the placeholders of each English message, so no value is dropped or shown as {name}', () => {
    for (const language of LANGUAGES) {
      const messages: Record<string, string> = language.messages;
      for (const key of KEYS) assert.deepEqual(placeholders(messages[key] ?? ''), placeholders(MESSAGES.en[key as keyof typeof MESSAGES.en]), `${language.code} ${key}`);
    }
  });

  it('reads Traditional Chinese in Traditional characters and Taiwan words, not Simplified ones', () => {
    const text = Object.values(MESSAGES['zh-Hant']).join('\n');
    for (const simplified of ['码', '登录', '账', '短信', '数据', '软件', '网络', '这', '们', '个', '许可权', '程式码', '天后', '联系', '聯系']) assert.ok(!text.includes(simplified), `zh-Hant has "${simplified}"`);
    assert.equal(MESSAGES['zh-Hant']['nav.code'], '健康碼');
    assert.equal(MESSAGES['zh-Hant']['signIn.title'], '登入');
    // 注销 turned by word into 登出 would be "log out": deleting the account is 刪除.
    assert.equal(MESSAGES['zh-Hant']['data.delete'], '刪除帳戶');
    assert.ok(!text.includes('登出帳戶'), 'zh-Hant has "登出帳戶"');
  });

  it('puts every language file under messages/ in the switch, so adding a language is adding its file and its name', () => {
    const files = readdirSync(new URL('../../web/src/shared/messages/', import.meta.url)).filter((f) => f !== 'language.ts').map((f) => f.replace(/\.ts$/, ''));
    assert.deepEqual(files.sort(), LANGUAGES.map((l) => l.code).sort());
  });

  it('names each language in itself in the switch, each name once', () => {
    const names = LANGUAGES.map((l) => l.name);
    assert.deepEqual(names, ['简体', '繁體', 'EN']);
  });
});

describe('which language a browser gets first', () => {
  it('gives Traditional Chinese to Taiwan, Hong Kong, Macao and any zh-Hant tag', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-TW', 'ZH-hk']) assert.equal(chooseLang([tag]), 'zh-Hant', tag);
  });

  it('gives Simplified Chinese to the mainland, Singapore and a bare zh', () => {
    for (const tag of ['zh-CN', 'zh', 'zh-SG', 'zh-Hans', 'zh-Hans-HK']) assert.equal(chooseLang([tag]), 'zh-CN', tag);
  });

  it('takes the first preferred tag that some language answers', () => {
    assert.equal(chooseLang(['fr-FR', 'zh-TW', 'en']), 'zh-Hant');
    assert.equal(chooseLang(['en-GB', 'zh-HK']), 'en');
  });

  it('falls back to English for a language it lacks, and does not take a look-alike tag', () => {
    assert.equal(chooseLang(['fr-FR']), 'en');
    assert.equal(chooseLang([]), 'en');
    assert.equal(chooseLang(['zhx']), 'en');
  });

  it('reads texts the server keeps only in Simplified Chinese and English in Simplified for either Chinese', () => {
    assert.equal(textLang('zh-Hant'), 'zh-CN');
    assert.equal(textLang('zh-CN'), 'zh-CN');
    assert.equal(textLang('en'), 'en');
  });
});
