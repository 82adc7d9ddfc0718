import type { ShownCount } from '../../../src/domain/index.js';

/**
 * How a chart draws a count as shown: an exact count at its value, a hidden one (a range) as the
 * range it lies in, never as a gap, which would read as "no data".
 */

/** The range a count lies in when it is not shown exactly, else null. */
export function rangeOf(count: ShownCount): [low: number, high: number] | null {
  return typeof count === 'number' ? null : [count.atLeast, count.atMost];
}

/** A line's point: the count, or the middle of its range (the range itself is drawn as a bar through it). */
export function linePoint(count: ShownCount): number {
  return typeof count === 'number' ? count : (count.atLeast + count.atMost) / 2;
}

/** A bar: the count from zero, or a floating bar over its range. */
export function barValue(count: ShownCount): number | [number, number] {
  return rangeOf(count) ?? (count as number);
}

/** Whether any count of a chart is hidden, so that its legend says what a range means. */
export function anyHidden(series: readonly (readonly ShownCount[])[]): boolean {
  return series.some((counts) => counts.some((c) => typeof c !== 'number'));
}

/** The highest value a chart must reach: an exact count, or the top of a range (its bar is cut off otherwise). */
export function highestShown(series: readonly (readonly ShownCount[])[]): number {
  let high = 0;
  for (const counts of series) for (const c of counts) high = Math.max(high, typeof c === 'number' ? c : c.atMost);
  return high;
}
