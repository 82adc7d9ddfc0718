import type { ShownCount } from '../../../src/domain/index.js';
import { useLang, useT } from './i18n.js';

/** A count as the console says it: the number, "fewer than 5" for one district's small count, or the range a total lies in. */
export function useShown(k: number): (count: ShownCount) => string {
  const t = useT();
  const lang = useLang();
  return (count) => {
    if (typeof count === 'number') return count.toLocaleString(lang);
    if (count.atMost < k) return t('dashboard.fewerThan', { k });
    return t('dashboard.between', { low: count.atLeast.toLocaleString(lang), high: count.atMost.toLocaleString(lang) });
  };
}
