import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DistrictTallies } from '../../../src/domain/decisions/district-tallies.js';

describe("a re-decision's tallies by home district", () => {
  it('counts residents decided, each colour kept and each change of colour in their home district', () => {
    const tallies = new DistrictTallies();
    tallies.decided('330110', 'green', 'red');
    tallies.decided('330110', 'green', 'green');
    tallies.decided('330110', 'none', 'yellow');
    tallies.texted('330110', 2);
    assert.deepEqual(tallies.counted(() => true), [{ residents: 3, notified: 2, kept: [{ colour: 'green', residents: 1 }], transitions: [{ from: 'green', to: 'red', residents: 1 }, { from: 'none', to: 'yellow', residents: 1 }] }]);
  });

  it('gives only the districts the caller counts', () => {
    const tallies = new DistrictTallies();
    tallies.decided('330110', 'green', 'red');
    tallies.decided('330106', 'green', 'red');
    assert.deepEqual(tallies.counted((d) => d === '330110').map((d) => d.residents), [1]);
  });

  it("adds a later run's tallies (the residents a run lost, decided again) to the first's", () => {
    const first = new DistrictTallies();
    first.decided('330110', 'green', 'red');
    const again = new DistrictTallies();
    again.decided('330110', 'green', 'red');
    again.texted('330110', 1);
    first.add(again);
    assert.deepEqual(first.counted(() => true), [{ residents: 2, notified: 1, kept: [], transitions: [{ from: 'green', to: 'red', residents: 2 }] }]);
  });
});
