import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColourNotice } from '../../src/domain/decisions/colour-notice.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { SMS_TEXTS } from '../../src/services/sms-texts.js';

const LINK = 'https://hc.example.cn/resident/';
const notice = (n: Partial<ColourNotice>): ColourNotice => ({ colour: 'red', why: '确诊病例的密切接触者', greenOn: '2026-12-04', member: null, ...n });

describe('the text telling a phone holder a code changed colour', () => {
  it('tells the resident of their own code, its colour in words, why, the day it turns green and where to read more', () => {
    assert.equal(
      SMS_TEXTS.colourChanged(notice({}), LINK, 'zh-CN'),
      `【健康码】您的健康码已变为红码。原因：确诊病例的密切接触者。如无新情况，预计2026-12-04转为绿码。详情：${LINK}`,
    );
  });

  it('names a household member by the masked name, so the relative knows whose code changed', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'yellow', member: '王*明' }), LINK, 'zh-CN');
    assert.match(text, /^【健康码】您的家人王\*明的健康码已变为黄码。/);
  });

  it("gives a household member's reason as about the member, not about the relative reading it", () => {
    const text = SMS_TEXTS.colourChanged(notice({ member: '老*', why: '您在 14 天内在高风险地区停留 4 小时以上' }), LINK, 'zh-CN');
    assert.match(text, /原因：其在 14 天内在高风险地区停留 4 小时以上。/);
    assert.equal(SMS_TEXTS.colourChanged(notice({ member: '老*', why: '您的身份尚未核实' }), LINK, 'zh-CN').includes('原因：其身份尚未核实。'), true);
  });

  it('says an action is needed, and names no date, when the code cannot turn green by waiting', () => {
    const text = SMS_TEXTS.colourChanged(notice({ greenOn: null }), LINK, 'zh-CN');
    assert.match(text, /需办理后方可转绿/);
    assert.doesNotMatch(text, /预计/);
  });

  it('says nothing of turning green when the code is green', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'green', why: '此前使健康码变色的情况已解除', greenOn: null }), LINK, 'zh-CN');
    assert.equal(text, `【健康码】您的健康码已变为绿码。原因：此前使健康码变色的情况已解除。详情：${LINK}`);
  });
});

describe('the one-time code texts', () => {
  it('carry the code and how many minutes it holds, in both languages, and warn never to share it', () => {
    const text = SMS_TEXTS.signInCode('482913', 5);
    assert.match(text, /登录验证码 482913，5 分钟内有效/);
    assert.match(text, /sign-in code is 482913, valid for 5 minutes\. Never share it\./);
  });

  it('read the same for a phone no account uses yet but for the word registration, so the text tells nothing', () => {
    const signIn = SMS_TEXTS.signInCode('482913', 5);
    const registration = SMS_TEXTS.registrationCode('482913', 5);
    assert.equal(registration.replace('注册', '登录').replace('registration', 'sign-in'), signIn);
  });
});

describe('the one-time code texts for a resident who reads Traditional Chinese', () => {
  const SIGNATURE = '【健康码】';
  const chinese = (text: string) => text.slice(SIGNATURE.length, text.indexOf('Your'));
  const english = (text: string) => text.slice(text.indexOf('Your'));

  for (const name of ['signInCode', 'registrationCode'] as const) {
    it(`${name}: writes its Chinese in Traditional, with no Simplified character left, under the registered signature`, () => {
      const text = SMS_TEXTS[name]('482913', 5, 'zh-Hant');
      assert.ok(text.startsWith(SIGNATURE), text);
      assert.equal(toTraditional(chinese(text)), chinese(text), 'a Simplified character is left');
      assert.notEqual(chinese(text), chinese(SMS_TEXTS[name]('482913', 5)));
      assert.match(chinese(text), /482913，5 分鐘內有效，請勿告訴他人。$/);
    });

    it(`${name}: says the same in English as the Simplified text`, () => {
      assert.equal(english(SMS_TEXTS[name]('482913', 5, 'zh-Hant')), english(SMS_TEXTS[name]('482913', 5, 'zh-CN')));
    });
  }

  it('read the same for a phone no account uses yet but for the word registration, as in Simplified', () => {
    const signIn = SMS_TEXTS.signInCode('482913', 5, 'zh-Hant');
    assert.equal(SMS_TEXTS.registrationCode('482913', 5, 'zh-Hant').replace('註冊', '登入').replace('registration', 'sign-in'), signIn);
  });
});

describe('the colour-change text for a resident who reads Traditional Chinese', () => {
  it('tells them in Traditional, the reason converted, under the registered signature', () => {
    assert.equal(
      SMS_TEXTS.colourChanged(notice({ why: '您在 14 天内在高风险地区停留 4 小时以上' }), LINK, 'zh-Hant'),
      `【健康码】您的健康碼已變為紅碼。原因：您在 14 天內在高風險地區停留 4 小時以上。如無新情況，預計2026-12-04轉為綠碼。詳情：${LINK}`,
    );
  });

  it("gives a relative the member's reason about the member, in Traditional, and the masked name as registered", () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'yellow', member: '张*兰', why: '您的身份尚未核实' }), LINK, 'zh-Hant');
    assert.match(text, /^【健康码】您的家人张\*兰的健康碼已變為黃碼。原因：其身份尚未核實。/);
  });

  it('says an action is needed in Traditional when waiting cannot turn the code green', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'gray', why: '您尚未申报近 14 天行程', greenOn: null }), LINK, 'zh-Hant');
    assert.equal(text, `【健康码】您的健康碼已變為灰碼。原因：您尚未申報近 14 天行程。需辦理後方可轉綠，方式請在應用程式中查看。詳情：${LINK}`);
  });

  it('says nothing of turning green when the code is green', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'green', why: '此前使健康码变色的情况已解除', greenOn: null }), LINK, 'zh-Hant');
    assert.equal(text, `【健康码】您的健康碼已變為綠碼。原因：此前使健康碼變色的情況已解除。詳情：${LINK}`);
  });
});

/** Every text but the codes and the colour change: worded by hand in both scripts, with their English after. */
const NOTICES = ['appealAnswered', 'appealCorrectionProposed', 'appealCorrectionRejected', 'reclaimApproved', 'identityRevoked', 'identityClaimed', 'householdClaimApproved', 'householdClaimRejected'] as const;

describe('the other notices, in the script of whoever holds the phone', () => {
  const SIGNATURE = '【健康码】';
  const chinese = (text: string) => text.slice(SIGNATURE.length, text.search(/(Your|The|Someone) /));
  const english = (text: string) => text.slice(text.search(/(Your|The|Someone) /));

  for (const name of NOTICES) {
    it(`${name}: in Simplified for a resident who reads Simplified, with no Traditional form in it`, () => {
      const text = SMS_TEXTS[name]('zh-CN');
      assert.ok(text.startsWith(SIGNATURE), text);
      assert.match(chinese(text), /。$/);
      assert.notEqual(toTraditional(chinese(text)), chinese(text), 'the Simplified text reads as Traditional already');
    });

    it(`${name}: in Traditional for a resident who reads Traditional, no Simplified character left, its English as in Simplified`, () => {
      const text = SMS_TEXTS[name]('zh-Hant');
      assert.ok(text.startsWith(SIGNATURE), text);
      assert.equal(toTraditional(chinese(text)), chinese(text), 'a Simplified character is left');
      assert.notEqual(chinese(text), chinese(SMS_TEXTS[name]('zh-CN')));
      assert.equal(english(text), english(SMS_TEXTS[name]('zh-CN')));
    });
  }

  it("words the app's name as the Traditional app does: 應用程式, not the Simplified 应用", () => {
    assert.match(SMS_TEXTS.appealAnswered('zh-Hant'), /^【健康码】您的申訴已有答覆，請在應用程式中查看。Your appeal/);
  });
});

describe('every text the service sends', () => {
  it('begins with the service’s signature, as carriers require of a sender, in either script', () => {
    for (const script of ['zh-CN', 'zh-Hant'] as const) {
      const texts = Object.entries(SMS_TEXTS).map(([name, make]) => {
        const text = name === 'colourChanged' ? SMS_TEXTS.colourChanged(notice({}), LINK, script) : name === 'signInCode' || name === 'registrationCode' ? SMS_TEXTS[name]('000000', 5, script) : (make as (s: typeof script) => string)(script);
        return [name, text] as const;
      });
      assert.deepEqual(texts.filter(([, text]) => !text.startsWith('【健康码】')).map(([name]) => name), [], script);
    }
  });
});
