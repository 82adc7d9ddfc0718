/**
 * The authority dashboard's words for what it counts and over which region and days: residents
 * never decided, cities, what a drawn range means, and the line under each section naming its scope.
 */
export const dashboardEn = {
  'dashboard.undecided': 'Not yet declared',
  'dashboard.undecidedHelp': 'Registered, gray until their first declaration',
  'dashboard.cityOrDistrict': 'City or district',
  'dashboard.pickCityOrDistrict': 'Click a city or district to show it below.',
  'dashboard.hiddenLegend': 'A hollow mark with a bar through it, or a pale bar, is a count holding fewer than {k} residents of some district: drawn as the range it lies in, so that no one can be pointed at. It is not missing data.',
  'dashboard.scopeHistory': '{region}: residents living there, the {days} days from {from} to {to}',
  'dashboard.scopeScans': '{region}: venues there, the 24 hours to {to}',
  'dashboard.scopeQuarantines': '{region}: residents living there, the {days} days from {from} to {to}',
  'dashboard.scopeRegions': '{region}: residents by home address, now',
};

export const dashboardZh: Record<keyof typeof dashboardEn, string> = {
  'dashboard.undecided': '尚未申报',
  'dashboard.undecidedHelp': '已注册，首次申报前为灰码',
  'dashboard.cityOrDistrict': '市或区县',
  'dashboard.pickCityOrDistrict': '点击市或区县，在下方查看。',
  'dashboard.hiddenLegend': '空心标记加竖线，或浅色柱段，表示其中含有某区县少于 {k} 人的数：按所在范围画出，以免指向具体的人，并非缺少数据。',
  'dashboard.scopeHistory': '{region}：居住于此的居民，{from} 至 {to} 共 {days} 天',
  'dashboard.scopeScans': '{region}：辖区内场所，截至 {to} 的 24 小时',
  'dashboard.scopeQuarantines': '{region}：居住于此的居民，{from} 至 {to} 共 {days} 天',
  'dashboard.scopeRegions': '{region}：按居住地统计的居民，当前',
};

export const dashboardZhHant: Record<keyof typeof dashboardEn, string> = {
  'dashboard.undecided': '尚未申報',
  'dashboard.undecidedHelp': '已註冊，首次申報前為灰碼',
  'dashboard.cityOrDistrict': '市或區縣',
  'dashboard.pickCityOrDistrict': '點選市或區縣，在下方檢視。',
  'dashboard.hiddenLegend': '空心標記加豎線，或淺色柱段，表示其中含有某區縣少於 {k} 人的數：按所在範圍畫出，以免指向具體的人，並非缺少資料。',
  'dashboard.scopeHistory': '{region}：居住於此的居民，{from} 至 {to} 共 {days} 天',
  'dashboard.scopeScans': '{region}：轄區內場所，截至 {to} 的 24 小時',
  'dashboard.scopeQuarantines': '{region}：居住於此的居民，{from} 至 {to} 共 {days} 天',
  'dashboard.scopeRegions': '{region}：按居住地統計的居民，目前',
};
