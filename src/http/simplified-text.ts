import { Converter } from 'opencc-js/t2cn';

/**
 * Traditional Chinese written as Simplified (OpenCC, `tw` to `cn`): the names the server keeps are
 * Simplified, so a place typed in Traditional (餘杭) is looked up as 余杭.
 */
const toCn = Converter({ from: 'tw', to: 'cn' });

export function toSimplified(text: string): string {
  return toCn(text);
}
