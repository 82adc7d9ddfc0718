import type { Colour } from '../domain/colour.js';

/**
 * Every text message the service sends, in Chinese and English, in one place: what a resident reads
 * on their phone is product copy, reviewed together, like the apps' messages.
 */
const COLOUR_ZH: Record<Colour, string> = { red: '红', yellow: '黄', gray: '灰', green: '绿' };

export const SMS_TEXTS = {
  signInCode: (code: string, minutes: number) => `【健康码】登录验证码 ${code}，${minutes} 分钟内有效，请勿告诉他人。Your healthcode sign-in code is ${code}, valid for ${minutes} minutes. Never share it.`,
  /** Sent to a phone no account uses yet: the same work as a sign-in code, so timing tells nothing. */
  registrationCode: (code: string, minutes: number) => `【健康码】注册验证码 ${code}，${minutes} 分钟内有效，请勿告诉他人。Your healthcode registration code is ${code}, valid for ${minutes} minutes. Never share it.`,
  appealAnswered: () => '【健康码】您的申诉已有答复，请在应用中查看。Your appeal has been answered; open the app to read it.',
  colourChanged: (colour: Colour) => `【健康码】您的健康码已变为${COLOUR_ZH[colour]}码，原因和解除方式请在应用中查看。Your health code is now ${colour}; open the app to see why and how it clears.`,
  reclaimApproved: () => '【健康码】您的证件已找回，可用本手机号登录。Your identity document has been restored to you; sign in with this phone.',
  identityRevoked: () => '【健康码】您账户中的证件经核实属于他人，已被移除。如有异议请申诉。The identity document on your account was found to belong to someone else and has been removed. Appeal if you disagree.',
} as const;
