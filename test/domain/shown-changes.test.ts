import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shownChanges, shownTexted, TRANSITIONS } from '../../src/domain/shown-changes.js';
import type { ShownCount } from '../../src/domain/small-counts.js';

const within = (c: ShownCount, n: number) => (typeof c === 'number' ? c === n : c.atLeast <= n && n <= c.atMost);

describe("a preview's changes of colour as shown", () => {
  it('shows a district of k or more exactly, transition by transition', () => {
    // 120 of Yuhang's residents were in Wuchang: 40 would turn yellow, 6 red.
    const shown = shownChanges([{ residents: 120, kept: [{ colour: 'green', residents: 74 }], transitions: [{ from: 'green', to: 'yellow', residents: 40 }, { from: 'green', to: 'red', residents: 6 }] }], 5);
    assert.deepEqual(shown, { residents: 120, wouldChange: 46, transitions: [{ from: 'green', to: 'yellow', residents: 40 }, { from: 'green', to: 'red', residents: 6 }], undivided: 0 });
  });

  it('never says "1 would turn yellow": a change of fewer than k is a range, and so is every total holding it', () => {
    const shown = shownChanges([{ residents: 120, kept: [{ colour: 'green', residents: 119 }], transitions: [{ from: 'green', to: 'yellow', residents: 1 }] }], 5);
    // Up to the 120 green the dashboard shows: 1 to 4 would say how many keep green, 119 exactly.
    assert.deepEqual(shown.transitions, [{ from: 'green', to: 'yellow', residents: { atLeast: 1, atMost: 120 } }]);
    assert.deepEqual(shown.wouldChange, { atLeast: 1, atMost: 120 });
    // The 120 decided are counted as the dashboard counts them, all green now: how many keep green is not said.
    assert.deepEqual(shown.residents, 120);
  });

  it('gives no hidden change back from the dashboard\'s colour count, even when nobody of that colour keeps it', () => {
    // Fuyang's 10 green: a rule set sends the 2 with a fever of 37.4 red and every other green yellow.
    // "8 would turn yellow" beside the dashboard's exact 10 green would give back "2 would turn red".
    const shown = shownChanges([{ residents: 10, kept: [], transitions: [{ from: 'green', to: 'yellow', residents: 8 }, { from: 'green', to: 'red', residents: 2 }] }], 5);
    assert.deepEqual(shown.transitions.map((t) => t.residents), [{ atLeast: 1, atMost: 10 }, { atLeast: 1, atMost: 10 }]);
    assert.deepEqual(shown.residents, 10);
  });

  it('shows a district of fewer than k as ranges only, undivided, in no transition', () => {
    // One resident of Yuhang went to a rarely visited country: which way their colour goes is theirs.
    const shown = shownChanges([{ residents: 1, kept: [], transitions: [{ from: 'green', to: 'yellow', residents: 1 }] }], 5);
    assert.deepEqual(shown, { residents: { atLeast: 1, atMost: 4 }, wouldChange: { atLeast: 0, atMost: 4 }, transitions: [], undivided: { atLeast: 1, atMost: 4 } });
  });

  it('says the same of a small district whatever its residents do', () => {
    const turning = shownChanges([{ residents: 2, kept: [], transitions: [{ from: 'green', to: 'red', residents: 2 }] }], 5);
    const keeping = shownChanges([{ residents: 2, kept: [{ colour: 'green', residents: 2 }], transitions: [] }], 5);
    assert.deepEqual(turning, keeping);
  });

  it('shows nobody affected as zero, with no transition listed', () => {
    assert.deepEqual(shownChanges([], 5), { residents: 0, wouldChange: 0, transitions: [], undivided: 0 });
    assert.deepEqual(shownChanges([{ residents: 0, kept: [], transitions: [] }], 5), { residents: 0, wouldChange: 0, transitions: [], undivided: 0 });
  });

  it('sums districts as shown: a small district widens the totals instead of showing them exactly, and stays out of the transitions', () => {
    // Xihu 30 to yellow; Yuhang's one resident to yellow too.
    const shown = shownChanges([{ residents: 30, kept: [], transitions: [{ from: 'green', to: 'yellow', residents: 30 }] }, { residents: 1, kept: [], transitions: [{ from: 'green', to: 'yellow', residents: 1 }] }], 5);
    assert.deepEqual(shown, { residents: { atLeast: 31, atMost: 34 }, wouldChange: { atLeast: 30, atMost: 34 }, transitions: [{ from: 'green', to: 'yellow', residents: 30 }], undivided: { atLeast: 1, atMost: 4 } });
  });

  // k of 2 hides 1 as "1 to 1": no threshold worth setting.
  it('always holds the truth, and never shows a count of 1 to k-1 exactly', () => {
    const district = fc.record({ kept: fc.nat(30), keptColour: fc.constantFrom('green', 'yellow', 'red', 'gray'), changes: fc.array(fc.tuple(fc.constantFrom(...TRANSITIONS), fc.nat(12)), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(district, { maxLength: 4 }), fc.integer({ min: 3, max: 10 }), (districts, k) => {
        const input = districts.map(({ kept, keptColour, changes }) => {
          const merged = new Map<string, { from: string; to: string; residents: number }>();
          for (const [t, n] of changes) merged.set(`${t.from}>${t.to}`, { ...t, residents: (merged.get(`${t.from}>${t.to}`)?.residents ?? 0) + n });
          const transitions = [...merged.values()];
          return { residents: kept + transitions.reduce((s, t) => s + t.residents, 0), kept: [{ colour: keptColour, residents: kept }], transitions };
        });
        const shown = shownChanges(input, k);
        const total = input.reduce((s, d) => s + d.residents, 0);
        const changed = input.reduce((s, d) => s + d.transitions.reduce((x, t) => x + t.residents, 0), 0);
        assert.ok(within(shown.residents, total));
        assert.ok(within(shown.wouldChange, changed));
        assert.ok(within(shown.undivided, input.filter((d) => d.residents < k).reduce((s, d) => s + d.residents, 0)));
        for (const t of TRANSITIONS) {
          const truth = input.filter((d) => d.residents >= k).reduce((s, d) => s + (d.transitions.find((x) => x.from === t.from && x.to === t.to)?.residents ?? 0), 0);
          const listed = shown.transitions.find((x) => x.from === t.from && x.to === t.to);
          assert.ok(listed ? within(listed.residents, truth) : truth === 0);
        }
        const counts = [shown.residents, shown.wouldChange, shown.undivided, ...shown.transitions.map((t) => t.residents)];
        assert.ok(counts.every((c) => typeof c !== 'number' || c === 0 || c >= k));
      }),
    );
  });
});

describe('phones texted about a save, as shown', () => {
  it('counts texts in districts of k or more, each as a cell', () => {
    assert.deepEqual(shownTexted([{ residents: 120, kept: [{ colour: 'green', residents: 120 }], transitions: [], notified: 40 }, { residents: 30, kept: [{ colour: 'green', residents: 30 }], transitions: [], notified: 2 }], 5), { atLeast: 41, atMost: 44 });
  });

  it('adds nothing for a district of fewer than k: a text would say one of its few changed colour', () => {
    assert.equal(shownTexted([{ residents: 1, kept: [], transitions: [{ from: 'green', to: 'red', residents: 1 }], notified: 1 }], 5), 0);
  });
});
