/**
 * What a checkpoint or a screen shows of a person: enough to match the holder and the code, no more.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** 张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明, Anna Smith -> A********h. */
export function maskName(name: string): string {
  const chars = [...segmenter.segment(name.trim())].map((s) => s.segment);
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 330110199001011234 -> 3301**********1234: issuing area and last four stay visible. */
export function maskIdNumber(number: string): string {
  if (number.length <= 8) return `${number.slice(0, 1)}${'*'.repeat(Math.max(number.length - 2, 1))}${number.slice(-1)}`;
  return `${number.slice(0, 4)}${'*'.repeat(number.length - 8)}${number.slice(-4)}`;
}
