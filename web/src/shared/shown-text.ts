import type { ShownCount } from '../../../src/domain/index.js';
import { MESSAGES, type Lang } from './messages.js';

/** A count as the console says it: the number, "fewer than 5" for one district's small count, or the range a total lies in. */
export function shownText(count: ShownCount, k: number, lang: Lang): string {
  if (typeof count === 'number') return count.toLocaleString(lang);
  if (count.atMost < k) return MESSAGES[lang]['dashboard.fewerThan'].replace('{k}', String(k));
  return MESSAGES[lang]['dashboard.between'].replace('{low}', count.atLeast.toLocaleString(lang)).replace('{high}', count.atMost.toLocaleString(lang));
}
