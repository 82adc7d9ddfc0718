import type { Rule } from './rule-set.js';

/**
 * The national default rules, from what the 2020 health codes did, made explicit. Quarantine counts
 * from the last day of exposure, and ends once its days are over and the last daily check-ins were clean.
 */
const base = { version: 1, region: 'CN', validFrom: '2026-01-01T00:00:00+08:00', validTo: null };
const redCheckIns = { required: 3, onSymptoms: 'reset' as const };
const yellowCheckIns = { required: 2, onSymptoms: 'escalate' as const };

/**
 * Version 1 read only the phone, so a household member without one stayed gray for good. Version 2
 * reads whether anyone stands behind the identity: the phone, the guardian who added them, or staff.
 */
const GRAY_UNVERIFIED: Rule = {
  ...base,
  version: 2,
  id: 'gray-unverified',
  outcome: { colour: 'gray', quarantineDays: 0, checkIns: null },
  description: { 'zh-CN': '您的身份尚未核实。', en: 'Your identity is not verified yet.' },
  howToClear: {
    'zh-CN': '用注册的手机号和验证码登录一次。没有手机的家庭成员，由添加他们的家人担保，或在查验点出示证件核验。',
    en: 'Sign in once with the phone you registered. A family member without a phone is vouched for by the relative who added them, or has their document checked at a gate.',
  },
  condition: { '!': [{ var: 'resident.identityVerified' }] },
};

export const DEFAULT_RULES: Rule[] = [
  {
    ...base,
    version: 2,
    id: 'red-case',
    outcome: { colour: 'red', quarantineDays: 0, checkIns: null },
    description: { 'zh-CN': '卫生部门已将您登记为确诊或疑似病例。', en: 'The health authority has recorded you as a confirmed or suspected case.' },
    howToClear: { 'zh-CN': '由卫生部门在您康复或排除后解除。', en: 'The health authority clears this when you have recovered or the suspicion is ruled out.' },
    condition: { some: [{ var: 'cases' }, { in: [{ var: 'status' }, ['confirmed', 'suspected']] }] },
  },
  {
    ...base,
    version: 2,
    id: 'red-positive-test',
    outcome: { colour: 'red', quarantineDays: 14, checkIns: redCheckIns },
    description: { 'zh-CN': '您在 14 天内有阳性检测结果。', en: 'You had a positive test result in the last 14 days.' },
    howToClear: { 'zh-CN': '居家隔离，每天在本应用打卡。', en: 'Stay at home, and check in in this app every day.' },
    condition: { some: [{ var: 'tests' }, { and: [{ '==': [{ var: 'result' }, 'positive'] }, { '<': [{ var: 'daysAgo' }, 14] }] }] },
  },
  {
    ...base,
    version: 2,
    id: 'red-close-contact',
    outcome: { colour: 'red', quarantineDays: 14, checkIns: redCheckIns },
    description: { 'zh-CN': '您在 14 天内是确诊病例的密切接触者。', en: 'You were a close contact of a confirmed case in the last 14 days.' },
    howToClear: { 'zh-CN': '居家隔离，每天在本应用打卡。', en: 'Stay at home, and check in in this app every day.' },
    condition: { some: [{ var: 'contacts' }, { and: [{ in: [{ var: 'kind' }, ['close', 'confirmed']] }, { '<': [{ var: 'daysAgo' }, 14] }] }] },
  },
  {
    ...base,
    version: 2,
    id: 'red-high-risk-area',
    outcome: { colour: 'red', quarantineDays: 14, checkIns: redCheckIns },
    description: { 'zh-CN': '您在 14 天内在高风险地区停留 4 小时以上。', en: 'You stayed 4 hours or more in a high-risk area in the last 14 days.' },
    howToClear: { 'zh-CN': '居家隔离，每天在本应用打卡。', en: 'Stay at home, and check in in this app every day.' },
    condition: {
      some: [{ var: 'stays' }, { and: [{ '!=': [{ var: 'region' }, null] }, { '==': [{ var: 'riskLevel' }, 'high'] }, { '>=': [{ var: 'hours' }, 4] }, { '<': [{ var: 'daysSinceDeparture' }, 14] }] }],
    },
  },
  {
    ...base,
    version: 2,
    id: 'yellow-symptoms',
    outcome: { colour: 'yellow', quarantineDays: 7, checkIns: yellowCheckIns },
    description: { 'zh-CN': '您申报了症状或发热（37.3°C 及以上）。', en: 'You declared symptoms or a fever (37.3 °C or more).' },
    howToClear: { 'zh-CN': '每天在本应用打卡。症状消失后可重新申报：此后每日打卡满足上述要求即提前解除。', en: 'Check in in this app every day. Sooner: once the symptoms are gone, declare again; the code then clears as soon as your daily check-ins are clean as above.' },
    condition: {
      or: [
        { and: [{ var: 'declaration.present' }, { '<': [{ var: 'declaration.daysSinceLatest' }, 7] }, { or: [{ var: 'declaration.fever' }, { '!!': [{ var: 'declaration.symptoms' }] }] }] },
        { some: [{ var: 'checkIns' }, { and: [{ '!': [{ var: 'clean' }] }, { '<': [{ var: 'daysAgo' }, 2] }] }] },
      ],
    },
  },
  {
    ...base,
    version: 2,
    id: 'yellow-medium-risk-area',
    outcome: { colour: 'yellow', quarantineDays: 7, checkIns: yellowCheckIns },
    description: { 'zh-CN': '您在 7 天内在中风险地区停留 4 小时以上。', en: 'You stayed 4 hours or more in a medium-risk area in the last 7 days.' },
    howToClear: { 'zh-CN': '减少外出，每天在本应用打卡。', en: 'Go out as little as you can, and check in in this app every day.' },
    condition: {
      some: [{ var: 'stays' }, { and: [{ '!=': [{ var: 'region' }, null] }, { '==': [{ var: 'riskLevel' }, 'medium'] }, { '>=': [{ var: 'hours' }, 4] }, { '<': [{ var: 'daysSinceDeparture' }, 7] }] }],
    },
  },
  {
    ...base,
    version: 2,
    id: 'yellow-high-risk-country',
    outcome: { colour: 'yellow', quarantineDays: 7, checkIns: yellowCheckIns },
    description: { 'zh-CN': '您在 7 天内到过列入高风险名单的国家或地区。', en: 'You were in a country on the high-risk list in the last 7 days.' },
    howToClear: { 'zh-CN': '减少外出，每天在本应用打卡。', en: 'Go out as little as you can, and check in in this app every day.' },
    condition: { some: [{ var: 'stays' }, { and: [{ '!=': [{ var: 'country' }, null] }, { '==': [{ var: 'riskLevel' }, 'high'] }, { '<': [{ var: 'daysSinceDeparture' }, 7] }] }] },
  },
  {
    ...base,
    version: 2,
    id: 'yellow-secondary-contact',
    outcome: { colour: 'yellow', quarantineDays: 7, checkIns: yellowCheckIns },
    description: { 'zh-CN': '您在 7 天内是密切接触者的接触者，或接触过疑似病例。', en: 'In the last 7 days you were a contact of a close contact, or in contact with a suspected case.' },
    howToClear: { 'zh-CN': '减少外出，每天在本应用打卡。', en: 'Go out as little as you can, and check in in this app every day.' },
    condition: { some: [{ var: 'contacts' }, { and: [{ in: [{ var: 'kind' }, ['secondary', 'suspected']] }, { '<': [{ var: 'daysAgo' }, 7] }] }] },
  },
  GRAY_UNVERIFIED,
  {
    ...base,
    id: 'gray-no-recent-declaration',
    outcome: { colour: 'gray', quarantineDays: 0, checkIns: null },
    description: { 'zh-CN': '您 14 天内没有健康申报。', en: 'You have not declared your health and travel in the last 14 days.' },
    howToClear: { 'zh-CN': '填写一次健康申报。', en: 'Make a declaration.' },
    condition: { or: [{ '!': [{ var: 'declaration.present' }] }, { '>=': [{ var: 'declaration.daysSinceLatest' }, 14] }] },
  },
  {
    ...base,
    id: 'gold-vaccinated',
    outcome: { colour: 'green', quarantineDays: 0, checkIns: null, mark: 'gold' },
    description: { 'zh-CN': '您已完成全程疫苗接种。', en: 'You have completed a full vaccination course.' },
    howToClear: { 'zh-CN': '这是一个标记，不是限制。', en: 'This is a mark, not a restriction.' },
    condition: { var: 'vaccination.fullCourse' },
  },
];

/**
 * Version 1 of these rules restated their days in `howToClear`, and yellow-symptoms said 2 days where
 * the engine applies 7; the days are now said by the outcome itself (clearing.ts). red-case stated
 * 14 days, but only the authority clears a case: it states none.
 */
const V1_HOW_TO_CLEAR: Record<string, Rule['howToClear']> = {
  'red-positive-test': { 'zh-CN': '检测后满 14 天，且最后连续 3 天每日打卡无症状。', en: '14 days after the test, with clean daily check-ins on the last 3 days.' },
  'red-close-contact': { 'zh-CN': '接触后满 14 天，且最后连续 3 天每日打卡无症状。', en: '14 days after the contact, with clean daily check-ins on the last 3 days.' },
  'red-high-risk-area': { 'zh-CN': '离开后满 14 天，且最后连续 3 天每日打卡无症状。', en: '14 days after leaving, with clean daily check-ins on the last 3 days.' },
  'yellow-symptoms': { 'zh-CN': '症状消失后申报，或连续 2 天每日打卡无症状。', en: 'Declare again once the symptoms are gone, or check in without symptoms on 2 consecutive days.' },
  'yellow-medium-risk-area': { 'zh-CN': '离开后满 7 天，且最后连续 2 天每日打卡无症状。', en: '7 days after leaving, with clean daily check-ins on the last 2 days.' },
  'yellow-high-risk-country': { 'zh-CN': '离开后满 7 天，且最后连续 2 天每日打卡无症状。', en: '7 days after leaving, with clean daily check-ins on the last 2 days.' },
  'yellow-secondary-contact': { 'zh-CN': '接触后满 7 天，且最后连续 2 天每日打卡无症状。', en: '7 days after the contact, with clean daily check-ins on the last 2 days.' },
};

const GRAY_UNVERIFIED_V1: { replaced: Rule; by: Rule } = {
    replaced: {
      ...base,
      id: 'gray-unverified',
      outcome: { colour: 'gray', quarantineDays: 0, checkIns: null },
      description: { 'zh-CN': '您的手机号尚未验证。', en: 'Your phone number is not verified yet.' },
      howToClear: { 'zh-CN': '用手机号和验证码登录一次。', en: 'Sign in once with your phone and the code we send.' },
      condition: { '!': [{ var: 'resident.phoneVerified' }] },
    },
    by: GRAY_UNVERIFIED,
  };

/** Built-in rules replaced since an earlier version; a stored national set still holding one verbatim is upgraded. */
export const SUPERSEDED_DEFAULT_RULES: { replaced: Rule; by: Rule }[] = [
  GRAY_UNVERIFIED_V1,
  ...DEFAULT_RULES.filter((rule) => rule.id in V1_HOW_TO_CLEAR).map((by) => ({ replaced: { ...by, version: 1, howToClear: V1_HOW_TO_CLEAR[by.id]! }, by })),
  { replaced: { ...DEFAULT_RULES.find((r) => r.id === 'red-case')!, version: 1, outcome: { colour: 'red', quarantineDays: 14, checkIns: null } }, by: DEFAULT_RULES.find((r) => r.id === 'red-case')! },
];
