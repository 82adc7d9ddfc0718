/**
 * Counts as the dashboard shows them. A count of 1 to k-1 residents in a region can point at a
 * person ("red: 1" in a village is a diagnosis), so it is shown only as a range; and every count
 * shown of a larger group is the sum of its parts as shown, never the exact total: an exact total
 * beside its parts would give a hidden part back by subtraction (docs/api.md, "Small counts").
 */

/** A count shown exactly, or the range it lies in when some part of it was too small to show. */
export type ShownCount = number | { atLeast: number; atMost: number };

/** The smallest count shown exactly unless an operator sets another (HEALTHCODE_SMALL_COUNT). */
export const DEFAULT_SMALL_COUNT = 5;

/**
 * One cell, the smallest group counted (a district's residents of one colour on one day): exact
 * when 0 or at least `k`, else the range 1 to k-1.
 */
export function shownCell(n: number, k: number): ShownCount {
  return n === 0 || n >= k ? n : { atLeast: 1, atMost: k - 1 };
}

/**
 * The parts of one group of residents, each as shown: a district's residents by colour, a venue
 * district's scans in an hour admitted and refused, a district's quarantines by the day they end.
 * A group of 1 to k-1 shows every part as a range, zeros too: "0, 0, fewer than 5, 0" would say
 * that everyone registered there is red, and so what colour any one of them is (homogeneity).
 */
export function shownParts(parts: readonly number[], k: number): ShownCount[] {
  let total = 0;
  for (const n of parts) total += n;
  if (total > 0 && total < k) return parts.map(() => ({ atLeast: 0, atMost: k - 1 }));
  return parts.map((n) => shownCell(n, k));
}

/** The sum of counts as shown: exact only when every part is. */
export function sumShown(counts: Iterable<ShownCount>): ShownCount {
  let low = 0;
  let high = 0;
  for (const c of counts) {
    low += typeof c === 'number' ? c : c.atLeast;
    high += typeof c === 'number' ? c : c.atMost;
  }
  return low === high ? low : { atLeast: low, atMost: high };
}

/** Cells of `k`, each exact or a range, summed: what a group of cells shows. */
export function shownSum(cells: Iterable<number>, k: number): ShownCount {
  const shown: ShownCount[] = [];
  for (const n of cells) shown.push(shownCell(n, k));
  return sumShown(shown);
}
