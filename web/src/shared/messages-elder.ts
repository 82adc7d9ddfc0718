/**
 * Elder mode (适老化): the switch, and the one button that calls the family. Each language; spread
 * into its file under messages/.
 */
export const elderEn = {
  'elder.mode': 'Elder mode',
  'elder.callFamily': 'Call my family',
  'elder.familyPhone': "Your family's phone number",
  'elder.familyPhoneHint': 'Kept on this phone only. The big button then calls it.',
  'elder.saveFamilyPhone': 'Save the number',
  'elder.changeFamilyPhone': 'Change the number',
  'elder.familyPhoneInvalid': "Family's phone number: 3 to 15 digits, which may start with +.",
};

export const elderZh: Record<keyof typeof elderEn, string> = {
  'elder.mode': '长辈模式',
  'elder.callFamily': '给家人打电话',
  'elder.familyPhone': '家人的电话号码',
  'elder.familyPhoneHint': '只保存在本手机上。保存后点大按钮即可拨打。',
  'elder.saveFamilyPhone': '保存号码',
  'elder.changeFamilyPhone': '更改号码',
  'elder.familyPhoneInvalid': '家人的电话号码：3 至 15 位数字，可以 + 开头。',
};

export const elderZhHant: Record<keyof typeof elderEn, string> = {
  'elder.mode': '長輩模式',
  'elder.callFamily': '打電話給家人',
  'elder.familyPhone': '家人的電話號碼',
  'elder.familyPhoneHint': '只儲存在本手機上。儲存後點大按鈕即可撥打。',
  'elder.saveFamilyPhone': '儲存號碼',
  'elder.changeFamilyPhone': '更改號碼',
  'elder.familyPhoneInvalid': '家人的電話號碼：3 至 15 位數字，可以 + 開頭。',
};
