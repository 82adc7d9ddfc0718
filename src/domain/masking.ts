import { isLatinName, mrzNameParts } from './mrz-names.js';

/**
 * What a checkpoint or a screen shows of a person: enough to match the holder and the code, no more.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });
/**
 * Characters each of which is a grapheme of its own, whatever stands beside it: printable ASCII, CJK
 * Unified Ideographs and Extension A (one code unit each, never combined), and the middle dots.
 */
const ONE_UNIT_GRAPHEMES = /^[\u0020-\u007e\u3400-\u4dbf\u4e00-\u9fff\u00b7\u30fb]*$/;

/**
 * The text's graphemes (what a reader counts as characters). The segmenter, the costliest step of a
 * registration's answer, is needed only for text outside ONE_UNIT_GRAPHEMES (a name with digits too).
 */
export function graphemes(text: string): string[] {
  return ONE_UNIT_GRAPHEMES.test(text) ? [...text] : Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * 张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明; Oliver Brown -> O***** B****, Anna-Lena Müller -> A*** L*** M******.
 *
 * A name in Latin script is masked part by part, as its passport's machine-readable zone writes it
 * (ICAO 9303: Müller is MUELLER): each part's first letter, then one star for each further letter.
 * A guard holding the passport finds each initial at the start of a surname or given name (MRZ:
 * BROWN<<OLIVER, in whatever order the person wrote them) with as many letters as stars after it.
 * Masked as one run of characters (O**********n), a name gave its first and last letters, which a
 * passport does not line up, and hid where its parts began. This form shows as many letters as
 * there are parts and no more: the rest of each part, and its national spelling, stay hidden.
 * Chinese names keep the family name and the last character, as a guard reads them on the ID card.
 */
export function maskName(name: string): string {
  if (isLatinName(name)) {
    const parts = mrzNameParts(name);
    // A name of one letter would be shown whole.
    if (parts.join('').length === 1) return '*';
    if (parts.length > 0) return parts.map((part) => `${part[0]}${'*'.repeat(part.length - 1)}`).join(' ');
  }
  const trimmed = name.trim();
  const chars = graphemes(trimmed);
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * 330110199001011234 -> 3301**********1234: a mainland resident ID keeps its issuing area and last
 * four, as the ID card's own privacy rules show it. Any other document (passport, permits) has no
 * such structure, so it shows at most its first character and last two, C01X00T47 -> C******47:
 * never more than three characters, and at least 60% masked for the short ones.
 */
export function maskIdNumber(number: string, type: string): string {
  if (type === 'resident_id' && number.length === 18) return `${number.slice(0, 4)}${'*'.repeat(number.length - 8)}${number.slice(-4)}`;
  const chars = [...number];
  const shown = Math.min(3, Math.floor(chars.length * 0.4));
  const head = shown >= 2 ? 1 : 0;
  const tail = shown - head;
  return `${chars.slice(0, head).join('')}${'*'.repeat(chars.length - shown)}${tail > 0 ? chars.slice(-tail).join('') : ''}`;
}
