/** The colours a code can show, and the one mark. Severity: red > yellow > gray > green. */
export const COLOURS = ['green', 'yellow', 'red', 'gray'] as const;
export type Colour = (typeof COLOURS)[number];
/** How severe each colour is, mildest first (the order above). */
const SEVERITY: Record<Colour, number> = { green: 0, gray: 1, yellow: 2, red: 3 };

/**
 * Whether a colour now answers an appeal against `appealed` as "corrected": it must be milder. Gray
 * (nothing known of the person) is no correction of anything: the resident cannot go out on it.
 */
export function isCorrectionOf(appealed: Colour, now: Colour): boolean {
  return now !== 'gray' && SEVERITY[now] < SEVERITY[appealed];
}

/** Gold: green and fully vaccinated. */
export const MARKS = ['gold'] as const;
export type Mark = (typeof MARKS)[number];

/**
 * The ink each colour's QR is drawn in, on white, as the 2020 codes were: recognisable at arm's
 * length, dark enough that every scanner reads it. Each has at least 4.5:1 contrast with white
 * (WCAG AA), which test/codes/coloured-qr.test.ts checks along with decoding each.
 */
export const QR_INK: Record<Colour, string> = {
  green: '#0b6b2c',
  yellow: '#7a5000',
  red: '#a3161a',
  gray: '#3b4250',
};

/** WCAG 2 contrast ratio of two #rrggbb colours, from 1 (none) to 21. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
