import { COLOURS } from './colour.js';
import { shownCell, sumShown, type ShownCount } from './small-counts.js';

/**
 * What a preview (listing a risk area, publishing a rule set) would change, as shown to staff. A
 * preview counts residents matching what the officer chose (a stay in a place on dates they pick,
 * a fever of exactly 39.4 on a day), so an exact "1 would turn yellow" names a person; its counts go
 * through the dashboard's small-count protection (docs/api.md, "Small counts"), district by district.
 */

/** Residents of one district a preview decided again, and how many went from which colour to which. */
export interface DistrictChanges {
  residents: number;
  transitions: readonly { from: string; to: string; residents: number }[];
}

export interface ShownChanges {
  /** Residents decided again: the sum of their districts' counts as shown. */
  residents: ShownCount;
  /** Of them, residents whose colour would change. */
  wouldChange: ShownCount;
  /** Each change of colour with a count that is not exactly zero, as shown, in districts counted k or more; `none` is a resident never decided. */
  transitions: { from: string; to: string; residents: ShownCount }[];
  /** Residents of districts counted fewer than k: in `residents` and `wouldChange`, in no transition (which way so few go would be theirs). */
  undivided: ShownCount;
}

/**
 * Every change a preview can count, in one fixed order: a transition is listed by what is shown of
 * it, never by whether a hidden cell holds someone.
 */
export const TRANSITIONS: readonly { from: string; to: string }[] = ['none', ...COLOURS].flatMap((from) => COLOURS.filter((to) => to !== from).map((to) => ({ from, to })));

const key = (from: string, to: string) => `${from}>${to}`;
const upper = (c: ShownCount): number => (typeof c === 'number' ? c : c.atMost);

/**
 * One district's residents are one group: those who keep their colour and each transition are its
 * parts. A group of 1 to k-1 is undivided: it shows its residents as 1 to k-1, those who would
 * change as 0 to k-1, and is in no transition (which transition its few residents take would say
 * what happens to each of them, and a transition listed for it would say one took it). Otherwise
 * each part is a cell, and every total the sum of the cells as shown: an exact total beside a
 * hidden part would give the part back by subtraction.
 */
function shownDistrict(d: DistrictChanges, k: number): { residents: ShownCount; wouldChange: ShownCount; parts: ShownCount[]; undivided: ShownCount } {
  if (d.residents > 0 && d.residents < k) {
    const few = { atLeast: 1, atMost: k - 1 };
    return { residents: few, wouldChange: { atLeast: 0, atMost: k - 1 }, parts: TRANSITIONS.map(() => 0), undivided: few };
  }
  const counts = new Map(d.transitions.map((t) => [key(t.from, t.to), t.residents]));
  const parts = TRANSITIONS.map((t) => shownCell(counts.get(key(t.from, t.to)) ?? 0, k));
  const changed = d.transitions.reduce((sum, t) => sum + t.residents, 0);
  const kept = shownCell(d.residents - changed, k);
  const wouldChange = sumShown(parts);
  return { residents: sumShown([kept, wouldChange]), wouldChange, parts, undivided: 0 };
}

/** A preview's counts over its districts, as shown: each district a group, every total the sum of its parts as shown. */
export function shownChanges(districts: Iterable<DistrictChanges>, k: number): ShownChanges {
  const shown = [...districts].map((d) => shownDistrict(d, k));
  const transitions = TRANSITIONS.map((t, i) => ({ ...t, residents: sumShown(shown.map((d) => d.parts[i]!)) }))
    .filter((t) => t.residents !== 0)
    // Ordered by the counts as shown (then the fixed order): an order by the exact ones would tell two hidden counts apart.
    .sort((a, b) => upper(b.residents) - upper(a.residents));
  return { residents: sumShown(shown.map((d) => d.residents)), wouldChange: sumShown(shown.map((d) => d.wouldChange)), transitions, undivided: sumShown(shown.map((d) => d.undivided)) };
}

/**
 * Phones texted about the residents of these districts, as shown: each district counted k or more
 * a cell; a smaller one adds nothing, as it is in no transition (a text would say one of its few
 * residents changed colour).
 */
export function shownTexted(districts: Iterable<DistrictChanges & { notified: number }>, k: number): ShownCount {
  const cells: ShownCount[] = [];
  for (const d of districts) if (d.residents >= k) cells.push(shownCell(d.notified, k));
  return sumShown(cells);
}
