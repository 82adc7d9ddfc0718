/**
 * Texts that say whose and from where: the app that sent a person to sign in, an app removed, a
 * declaration made for a household member, the facts that came from another operator, the way from
 * "why" to an appeal. Both languages; spread into messages.ts.
 */
export const contextEn = {
  'hostApps.removed': '{app} no longer has access: it cannot read your code or anything else you had allowed.',
  'hostApps.none': 'No app has access to your health code.',
  'signIn.fromApp': '{app} sent you here.',
  'signIn.fromAppWhy': 'It asks to {what}. Sign in with your phone; next you will see exactly what {app} would receive, and decide.',
  'signIn.fromAppAnd': ' and ',
  'why.factsCame': 'What came from {operator}:',
  'why.came.stays': '{n} stays, where and when',
  'why.came.contacts': '{n} contacts with cases',
  'why.came.cases': '{n} case records',
  'why.came.tests': '{n} test results',
  'why.came.vaccinations': '{n} vaccination doses',
  'why.came.declaration': 'your latest declaration (symptoms and temperature)',
  'why.cameNothing': 'no facts, only your registration there',
  'why.appeal': 'Think this colour is wrong? Appeal',
  'why.appealHint': 'An officer reads your appeal and answers here and by SMS.',
  'declare.titleFor': 'Declaration for {name}',
  'declare.forMember': 'You are declaring for {name}, not for yourself: answer for them.',
  'declare.submitFor': 'Submit the declaration for {name}',
  'cause.factsFrom': 'facts arrived from your home operator',
};

export const contextZh: Record<keyof typeof contextEn, string> = {
  'hostApps.removed': '已撤销「{app}」的访问权限：它不能再读取您的健康码及您曾允许的其他信息。',
  'hostApps.none': '没有应用可以访问您的健康码。',
  'signIn.fromApp': '您从「{app}」来到这里。',
  'signIn.fromAppWhy': '它请求{what}。请用手机号登录；接下来您会看到「{app}」将收到的全部内容，再决定是否同意。',
  'signIn.fromAppAnd': '、',
  'why.factsCame': '从「{operator}」转来的信息：',
  'why.came.stays': '{n} 段行程（地点和日期）',
  'why.came.contacts': '{n} 条密接记录',
  'why.came.cases': '{n} 条病例记录',
  'why.came.tests': '{n} 条检测结果',
  'why.came.vaccinations': '{n} 剂疫苗接种记录',
  'why.came.declaration': '您最近一次申报（症状和体温）',
  'why.cameNothing': '没有健康信息，只有您在那里的登记',
  'why.appeal': '认为颜色有误？提出申诉',
  'why.appealHint': '工作人员会审阅您的申诉，并在这里和通过短信答复您。',
  'declare.titleFor': '为{name}申报',
  'declare.forMember': '您正在为{name}申报，不是为您自己：请按{name}的情况填写。',
  'declare.submitFor': '提交{name}的申报',
  'cause.factsFrom': '收到户籍地平台转来的信息',
};
