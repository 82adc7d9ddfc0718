import { COLOURS } from './colour.js';
import { shownCell, shownParts, sumShown, type ShownCount } from './small-counts.js';

/**
 * What a preview (listing a risk area, publishing a rule set) would change, as shown to staff. A
 * preview counts residents matching what the officer chose (a stay in a place on dates they pick,
 * a fever of exactly 39.4 on a day), so an exact "1 would turn yellow" names a person; its counts go
 * through the dashboard's small-count protection (docs/api.md, "Small counts"), district by district.
 */

/** Residents of one district a preview decided again: how many, how many of each colour keep it, and how many went from which colour to which. */
export interface DistrictChanges {
  residents: number;
  kept: readonly { colour: string; residents: number }[];
  transitions: readonly { from: string; to: string; residents: number }[];
}

export interface ShownChanges {
  /** Residents decided again, by the colour they have now, as the dashboard shows them: the sum of their districts' cells as shown. */
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

/** The states a resident is counted in before a preview, as the dashboard's cells: each colour, and `none` (never decided, the dashboard's `undecided`). */
const BEFORE = ['none', ...COLOURS] as const;

/**
 * One district's residents are one group. A group of 1 to k-1 is undivided: it shows its residents
 * as 1 to k-1, those who would change as 0 to k-1, and is in no transition (which transition its few
 * residents take would say what happens to each of them, and a transition listed for it would say
 * one took it). Otherwise each transition is a cell, and `wouldChange` the sum of them as shown.
 * Who keeps their colour is never shown: the residents decided are counted as the dashboard counts
 * the same people, by the colour they have now (shownParts, cell by cell), so that count adds
 * nothing to the dashboard's; an exact count of those who keep their colour, subtracted from the
 * dashboard's colours, would give back a hidden cell (docs/api.md, "Previews").
 */
function shownDistrict(d: DistrictChanges, k: number): { residents: ShownCount; wouldChange: ShownCount; parts: ShownCount[]; undivided: ShownCount } {
  if (d.residents > 0 && d.residents < k) {
    const few = { atLeast: 1, atMost: k - 1 };
    return { residents: few, wouldChange: { atLeast: 0, atMost: k - 1 }, parts: TRANSITIONS.map(() => 0), undivided: few };
  }
  const counts = new Map(d.transitions.map((t) => [key(t.from, t.to), t.residents]));
  const kept = (from: string) => d.kept.find((c) => c.colour === from)?.residents ?? 0;
  const out = (from: string) => d.transitions.filter((t) => t.from === from).map((t) => t.residents);
  const before = BEFORE.map((from) => kept(from) + out(from).reduce((sum, n) => sum + n, 0));
  // Those of one colour now (a dashboard cell, exact when k or more) split into who keeps it and each
  // change: with one part hidden, the others exact would give it back by subtraction from the
  // dashboard's cell (a rule set sending everyone else of that colour elsewhere makes "keeps" a
  // known 0). So when any part is 1 to k-1, every change from that colour is shown as 1 to the cell.
  const parts = TRANSITIONS.map((t) => {
    const n = counts.get(key(t.from, t.to)) ?? 0;
    const mixed = [kept(t.from), ...out(t.from)].some((m) => m > 0 && m < k);
    return n > 0 && mixed ? { atLeast: 1, atMost: Math.max(k - 1, before[BEFORE.indexOf(t.from as (typeof BEFORE)[number])]!) } : shownCell(n, k);
  });
  return { residents: sumShown(shownParts(before, k)), wouldChange: sumShown(parts), parts, undivided: 0 };
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
