import { pinyin } from 'pinyin-pro';

/**
 * English names of administrative divisions: the Chinese name romanised (Hanyu Pinyin, through the
 * maintained pinyin-pro dictionary, which reads place names' polyphonic characters right: 重庆
 * Chongqing, 六安 Lu'an), its administrative kind in English, and the official English names of the
 * provinces pinyin does not give (Shaanxi, Inner Mongolia, Tibet, Hong Kong, Macao).
 */
const OFFICIAL: Record<string, string> = {
  陕西省: 'Shaanxi',
  内蒙古自治区: 'Inner Mongolia',
  西藏自治区: 'Tibet',
  广西壮族自治区: 'Guangxi',
  宁夏回族自治区: 'Ningxia',
  新疆维吾尔自治区: 'Xinjiang',
  香港特别行政区: 'Hong Kong',
  澳门特别行政区: 'Macao',
  台湾省: 'Taiwan',
  // Cities whose English names are not their pinyin.
  哈尔滨市: 'Harbin',
  呼和浩特市: 'Hohhot',
  乌鲁木齐市: 'Urumqi',
  拉萨市: 'Lhasa',
  喀什地区: 'Kashgar Prefecture',
};

/** The peoples named in autonomous divisions' names (恩施土家族苗族自治州 is Enshi's). */
const PEOPLES = '土家|苗|藏|彝|壮|回|蒙古|维吾尔|哈萨克|朝鲜|满|侗|瑶|白|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|鄂温克|德昂|保安|裕固|京|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|布依|哈尼|俄罗斯|乌孜别克|塔塔尔';
const AUTONOMOUS = new RegExp(`^(.+?)(?:(?:${PEOPLES})族)+自治(州|县|旗)$`);
const AUTONOMOUS_KIND: Record<string, string> = { 州: 'Autonomous Prefecture', 县: 'Autonomous County', 旗: 'Autonomous Banner' };

/** Longest first: 自治县 before 县. Provinces and cities go by their name alone, as in English usage. */
const KINDS: [RegExp, string][] = [
  [/自治州$/, 'Autonomous Prefecture'],
  [/自治县$/, 'Autonomous County'],
  [/特别行政区$/, ''],
  [/林区$/, 'Forestry District'],
  [/新区$/, 'New Area'],
  [/地区$/, 'Prefecture'],
  [/省$/, ''],
  [/市$/, ''],
  [/区$/, 'District'],
  [/县$/, 'County'],
  [/旗$/, 'Banner'],
  [/盟$/, 'League'],
];

/** Pinyin with syllables joined, capitalised, and an apostrophe where a syllable would run into the next (Xi'an). */
export function romanise(chinese: string): string {
  const syllables = pinyin(chinese, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
  const joined = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

/** The English name of one division by its own Chinese name: 余杭区 → Yuhang District, 杭州市 → Hangzhou. */
export function englishNameOf(chinese: string): string {
  const official = OFFICIAL[chinese];
  if (official) return official;
  const autonomous = AUTONOMOUS.exec(chinese);
  if (autonomous) return `${romanise(autonomous[1]!)} ${AUTONOMOUS_KIND[autonomous[2]!]}`;
  for (const [suffix, kind] of KINDS) {
    const base = chinese.replace(suffix, '');
    if (base !== chinese && base.length > 0) return kind ? `${romanise(base)} ${kind}` : romanise(base);
  }
  return romanise(chinese);
}

/** What an English or pinyin search is compared with: lower case, no spaces or apostrophes. */
export const searchKey = (text: string) => text.toLowerCase().replace(/[\s'’-]+/g, '');
