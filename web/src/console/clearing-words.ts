import { clearingOf, clearingText, type Rule } from '../../../src/domain/index.js';
import type { Lang } from '../shared/messages.js';

/**
 * The characters of the clearing sentences (src/domain/rules/clearing.ts) that Traditional writes
 * otherwise, as the server's OpenCC conversion writes them (后 as 後: these say "after", never the
 * queen). The browser holds no converter; these few sentences are all the rule form makes itself.
 * test/web/clearing-words.test.ts holds the table to the server's conversion for every clearing.
 */
const TRADITIONAL: Readonly<Record<string, string>> = {
  无: '無', 会: '會', 办: '辦', 后: '後', 触: '觸', 风: '風', 险: '險', 满: '滿', 连: '連', 续: '續', 状: '狀',
  时: '時', 发: '發', 热: '熱', 则: '則', 计: '計', 数: '數', 将: '將', 转: '轉', 为: '為', 红: '紅', 码: '碼',
};

/** How a rule's outcome clears, as a resident reading `lang` sees it: the rule form's "residents will see". */
export function clearingWords(outcome: Rule['outcome'], lang: Lang): string {
  const words = clearingText(clearingOf(outcome));
  if (lang === 'en') return words.en;
  if (lang === 'zh-CN') return words['zh-CN'];
  return [...words['zh-CN']].map((c) => TRADITIONAL[c] ?? c).join('');
}
