/**
 * The words of the offline code (src/codes/offline-pass.ts): the resident's offline code screen and
 * the scanner's verdict on one, in English, Simplified and Traditional Chinese.
 */
export const offlinePassEn = {
  'offlinePass.title': 'Offline code',
  'offlinePass.intro': 'No network: this code is signed by this phone and changes every 30 seconds. A screenshot stops working within a minute.',
  'offlinePass.asOf': 'Colour as of {time}',
  'offlinePass.until': 'Offline pass valid until {time}',
  'offlinePass.qrLabel': 'Offline QR code, {colour}',
  'offlinePass.nextIn': 'Changes in {seconds} s',
  'offlinePass.expired': 'Your offline pass has expired. Connect to the network to show your code.',
  'offlinePass.none': 'No network, and no offline pass on this phone yet. Open the app once with a network to get one.',
  'scanner.asOfOffline': 'as of {time}, offline',
  'scanner.asOfOnline': 'as of {time}, checked with the server',
  'reason.stale-presentation': 'This offline code was made more than a minute ago: it may be a screenshot.',
  'reason.device-signature': 'This offline code is not shown from the phone it was issued to: it was copied.',
  'reason.decided-too-long-ago': 'This offline code holds a colour decided longer ago than this venue accepts.',
  'step.connect-phone': 'Ask them to connect their phone to the network and show the live code.',
};

export const offlinePassZh: Record<keyof typeof offlinePassEn, string> = {
  'offlinePass.title': '离线码',
  'offlinePass.intro': '当前无网络：此码由本机签名，每 30 秒更新一次，截图一分钟内即失效。',
  'offlinePass.asOf': '颜色判定于 {time}',
  'offlinePass.until': '离线凭证有效期至 {time}',
  'offlinePass.qrLabel': '离线二维码，{colour}',
  'offlinePass.nextIn': '{seconds} 秒后更新',
  'offlinePass.expired': '您的离线凭证已过期，请连接网络后出示健康码。',
  'offlinePass.none': '当前无网络，本机尚无离线凭证。请在有网络时打开一次应用以获取。',
  'scanner.asOfOffline': '判定于 {time}，离线核验',
  'scanner.asOfOnline': '判定于 {time}，已联网核验',
  'reason.stale-presentation': '此离线码生成于一分钟以前，可能是截图。',
  'reason.device-signature': '此离线码不是由领取它的手机出示的，系复制所得。',
  'reason.decided-too-long-ago': '此离线码的颜色判定时间早于本场所接受的时限。',
  'step.connect-phone': '请对方将手机连上网络，出示实时健康码。',
};

export const offlinePassZhHant: Record<keyof typeof offlinePassEn, string> = {
  'offlinePass.title': '離線碼',
  'offlinePass.intro': '目前無網路：此碼由本機簽署，每 30 秒更新一次，截圖一分鐘內即失效。',
  'offlinePass.asOf': '顏色判定於 {time}',
  'offlinePass.until': '離線憑證有效期至 {time}',
  'offlinePass.qrLabel': '離線二維碼，{colour}',
  'offlinePass.nextIn': '{seconds} 秒後更新',
  'offlinePass.expired': '您的離線憑證已過期，請連接網路後出示健康碼。',
  'offlinePass.none': '目前無網路，本機尚無離線憑證。請在有網路時開啟一次應用以取得。',
  'scanner.asOfOffline': '判定於 {time}，離線核驗',
  'scanner.asOfOnline': '判定於 {time}，已連網核驗',
  'reason.stale-presentation': '此離線碼產生於一分鐘以前，可能是截圖。',
  'reason.device-signature': '此離線碼不是由領取它的手機出示的，係複製所得。',
  'reason.decided-too-long-ago': '此離線碼的顏色判定時間早於本場所接受的時限。',
  'step.connect-phone': '請對方將手機連上網路，出示即時健康碼。',
};
