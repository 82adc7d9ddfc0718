import type { Colour } from '../domain/colour.js';
import type { ColourNotice } from '../domain/decisions/colour-notice.js';
import type { SmsScript } from '../domain/sms-script.js';
import { toTraditional } from '../domain/traditional-text.js';

/**
 * Every text message the service sends, in Chinese and English, in one place: what a resident reads
 * on their phone is product copy, reviewed together, like the apps' messages.
 */
const COLOUR_ZH: Record<Colour, string> = { red: '红', yellow: '黄', gray: '灰', green: '绿' };
const COLOUR_HANT: Record<Colour, string> = { red: '紅', yellow: '黃', gray: '灰', green: '綠' };

/**
 * Each text's Chinese is in the script of whoever holds the phone (`SmsScript`): the fixed words
 * written by hand in both, with Taiwan's words for the Traditional (健康碼, 登入, 帳號, 簡訊, 應用程式),
 * as the Traditional app has them; what comes from data (a rule's reason) converted as the server
 * converts it for that app. The signature stays as registered with the carriers: it is the
 * sender's name, not text to read.
 */
const worded = (script: SmsScript, simplified: string, traditional: string) => (script === 'zh-Hant' ? traditional : simplified);

/**
 * A rule's reason, written to the resident ("您在 14 天内…"), told to the relative who reads a household
 * member's text: about the member ("其在 14 天内…"), not about the relative.
 */
const aboutMember = (why: string) => why.replaceAll('您的', '其').replaceAll('您', '其');

/** The reason as the phone's holder reads it: about the member for a relative, in their script. */
const reasonFor = (n: ColourNotice, script: SmsScript) => {
  const why = n.member === null ? n.why : aboutMember(n.why);
  return script === 'zh-Hant' ? toTraditional(why) : why;
};

export const SMS_TEXTS = {
  signInCode: (code: string, minutes: number, script: SmsScript = 'zh-CN') =>
    (script === 'zh-Hant' ? `【健康码】登入驗證碼 ${code}，${minutes} 分鐘內有效，請勿告訴他人。` : `【健康码】登录验证码 ${code}，${minutes} 分钟内有效，请勿告诉他人。`) +
    `Your healthcode sign-in code is ${code}, valid for ${minutes} minutes. Never share it.`,
  /** Sent to a phone no account uses yet: the same work as a sign-in code, so timing tells nothing. */
  registrationCode: (code: string, minutes: number, script: SmsScript = 'zh-CN') =>
    (script === 'zh-Hant' ? `【健康码】註冊驗證碼 ${code}，${minutes} 分鐘內有效，請勿告訴他人。` : `【健康码】注册验证码 ${code}，${minutes} 分钟内有效，请勿告诉他人。`) +
    `Your healthcode registration code is ${code}, valid for ${minutes} minutes. Never share it.`,
  appealAnswered: (script: SmsScript) =>
    worded(script, '【健康码】您的申诉已有答复，请在应用中查看。', '【健康码】您的申訴已有答覆，請在應用程式中查看。') + 'Your appeal has been answered; open the app to read it.',
  /** An appeal upheld: nothing has changed yet, and the text must not say it has. */
  appealCorrectionProposed: (script: SmsScript) =>
    worded(script, '【健康码】您的申诉成立，更正已提出，须另一位工作人员批准后生效，生效时将另行短信通知。', '【健康码】您的申訴成立，更正已提出，須另一位工作人員批准後生效，生效時將另行簡訊通知。') +
    "Your appeal was upheld; a correction awaits a second officer's approval, and you will be texted when it takes effect.",
  appealCorrectionRejected: (script: SmsScript) =>
    worded(script, '【健康码】您申诉后提出的更正未获批准，健康码未改变，详情请在应用中查看。', '【健康码】您申訴後提出的更正未獲批准，健康碼未改變，詳情請在應用程式中查看。') +
    'The correction proposed after your appeal was not approved; your code has not changed. Open the app for details.',
  /**
   * A change of colour, to whoever holds the phone for the resident: in Chinese only, to stay one
   * message. A household member is named masked, so the relative knows which; no ID number ever.
   * The masked name is left as registered: a name is not converted.
   */
  colourChanged: (n: ColourNotice, link: string, script: SmsScript) =>
    script === 'zh-Hant'
      ? `【健康码】${n.member === null ? '您' : `您的家人${n.member}`}的健康碼已變為${COLOUR_HANT[n.colour]}碼。原因：${reasonFor(n, script)}。` +
        (n.colour === 'green' ? '' : n.greenOn === null ? '需辦理後方可轉綠，方式請在應用程式中查看。' : `如無新情況，預計${n.greenOn}轉為綠碼。`) +
        `詳情：${link}`
      : `【健康码】${n.member === null ? '您' : `您的家人${n.member}`}的健康码已变为${COLOUR_ZH[n.colour]}码。原因：${reasonFor(n, script)}。` +
        (n.colour === 'green' ? '' : n.greenOn === null ? '需办理后方可转绿，方式请在应用中查看。' : `如无新情况，预计${n.greenOn}转为绿码。`) +
        `详情：${link}`,
  reclaimApproved: (script: SmsScript) =>
    worded(script, '【健康码】您的证件已找回，可用本手机号登录。', '【健康码】您的證件已找回，可用本手機號碼登入。') + 'Your identity document has been restored to you; sign in with this phone.',
  identityRevoked: (script: SmsScript) =>
    worded(script, '【健康码】您账户中的证件经核实属于他人，已被移除。如有异议请申诉。', '【健康码】您帳號中的證件經核實屬於他人，已被移除。如有異議請申訴。') +
    'The identity document on your account was found to belong to someone else and has been removed. Appeal if you disagree.',
  /** To the account holding a document someone gave for a household member: the authority, not the app, decides. */
  identityClaimed: (script: SmsScript) =>
    worded(
      script,
      '【健康码】有人将您账户中的证件登记为其家庭成员。卫生健康部门将核实证件归属，如需可能与您联系；您无需操作。',
      '【健康码】有人將您帳號中的證件登記為其家庭成員。衛生健康部門將核實證件歸屬，如有需要可能與您聯絡；您無需操作。',
    ) + 'Someone gave the identity document on your account for a household member. The health authority will check who holds it and may contact you; you need do nothing.',
  householdClaimApproved: (script: SmsScript) =>
    worded(script, '【健康码】您添加的家庭成员的证件已核实归其本人所有。', '【健康码】您新增的家庭成員的證件已核實歸其本人所有。') + 'The identity document of the household member you added has been checked and is theirs.',
  /** To the relative whose household member's claim was refused: the member keeps no identity. */
  householdClaimRejected: (script: SmsScript) =>
    worded(script, '【健康码】您添加的家庭成员的证件经核实属于他人，该成员的健康码为灰码。请携证件到服务点核验。', '【健康码】您新增的家庭成員的證件經核實屬於他人，該成員的健康碼為灰碼。請攜證件到服務點核驗。') +
    'The identity document of the household member you added was found to belong to someone else; their code is gray. Bring the document to a service point to have it checked.',
} as const;
