/**
 * Texts that say whose and from where: the app that sent a person to sign in, an app removed, a
 * declaration made for a household member, the facts that came from another operator, the way from
 * "why" to an appeal. Both languages; spread into messages.ts.
 */
export const contextEn = {
  'hostApps.removed': '{app} no longer has access: it cannot show your code or act for you.',
  'hostApps.none': 'No app has access to your health code.',
  'signIn.fromApp': '{app} sent you here.',
  'signIn.fromAppWhy': 'It asks to {what}. Sign in with your phone; next you will see exactly what {app} would receive, and decide.',
  'signIn.fromAppAnd': ' and ',
};

export const contextZh: Record<keyof typeof contextEn, string> = {
  'hostApps.removed': '已撤销「{app}」的访问权限：它不能再出示您的健康码，也不能代您操作。',
  'hostApps.none': '没有应用可以访问您的健康码。',
  'signIn.fromApp': '您从「{app}」来到这里。',
  'signIn.fromAppWhy': '它请求{what}。请用手机号登录；接下来您会看到「{app}」将收到的全部内容，再决定是否同意。',
  'signIn.fromAppAnd': '、',
};
