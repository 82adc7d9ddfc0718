import type { ShownCount } from '../../../src/domain/index.js';
import { useLang } from './i18n.js';
import { shownText } from './shown-text.js';

/** `shownText` in the page's language. */
export function useShown(k: number): (count: ShownCount) => string {
  const lang = useLang();
  return (count) => shownText(count, k, lang);
}
