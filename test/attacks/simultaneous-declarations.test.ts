import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Decision } from '../../src/domain/rules/decide.js';
import type { DeclarationInput } from '../../src/domain/declaration.js';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { freshDecision, said } from '../support/fresh-decision.js';
import { readThenHeld, secondServer } from '../support/held-redecision.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

/** Wuhan Wuchang district, a high-risk area since a week ago in these tests. */
const WUCHANG = '420106';

/** A quiet day at home, and a trip through a high-risk area that no later declaration takes back. */
const athome = (): DeclarationInput => ({ stays: [], contacts: [], symptoms: [], temperature: 36.5 });
const wuchang = (h: Harness): DeclarationInput => {
  const now = h.clock.now().getTime();
  return { stays: [{ region: WUCHANG, arrival: new Date(now - 3 * DAY_MS).toISOString(), departure: new Date(now - 2 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.5 };
};

/** The decision stored as the resident's current one, as a code view would serve it from the table. */
async function stored(h: Harness, id: string): Promise<Decision> {
  const row = await h.ctx.stores.decisions.current(id);
  return JSON.parse(row!.decision!) as Decision;
}

let people = 0;
async function resident(h: Harness): Promise<string> {
  people += 1;
  return registerVerified(h, { ...ZHANG_WEI, phone: `1390001${String(people).padStart(4, '0')}`, idNumber: withCheck(`33011019900101${String(100 + people).padStart(3, '0')}`) });
}

describeOnEachEngine('two declarations by one resident at once', (h) => {
  it('both count when the first re-decision reads before the second declaration and saves after it', async () => {
    await h().services.authority.setRiskArea({ region: WUCHANG, level: 'high', from: new Date(h().clock.now().getTime() - 7 * DAY_MS).toISOString() });
    for (const [first, second] of [[athome, wuchang], [wuchang, athome], [athome, wuchang]] as const) {
      const id = await resident(h());
      await readThenHeld(h(), id, () => h().services.declarations.declare(id, first(h())), () => h().services.declarations.declare(id, second(h())));
      const expected = await freshDecision(h(), id);
      assert.notEqual(expected.colour, 'green', 'a stay in a high-risk area counts, whichever declaration came first');
      assert.deepEqual(said(await stored(h(), id)), said(expected));
      h().clock.advance(HOUR_MS);
    }
  });

  it('both count when the second declaration goes to another server on the same database while the first is held', async () => {
    await h().services.authority.setRiskArea({ region: WUCHANG, level: 'high', from: new Date(h().clock.now().getTime() - 7 * DAY_MS).toISOString() });
    const other = await secondServer(h());
    try {
      for (const [first, second] of [[athome, wuchang], [wuchang, athome]] as const) {
        const id = await resident(h());
        await readThenHeld(h(), id, () => h().services.declarations.declare(id, first(h())), () => other.services.declarations.declare(id, second(h())));
        assert.deepEqual(said(await stored(h(), id)), said(await freshDecision(h(), id)));
        h().clock.advance(HOUR_MS);
      }
    } finally {
      await other.close();
    }
  });

  it('both count when two phones declare in the same moment, round after round', { timeout: 120_000 }, async () => {
    await h().services.authority.setRiskArea({ region: WUCHANG, level: 'high', from: new Date(h().clock.now().getTime() - 7 * DAY_MS).toISOString() });
    for (let round = 0; round < 12; round++) {
      const id = await resident(h());
      const pair = round % 2 === 0 ? [athome, wuchang] : [wuchang, athome];
      await Promise.all(pair.map((d) => h().services.declarations.declare(id, d(h()))));
      assert.deepEqual(said(await stored(h(), id)), said(await freshDecision(h(), id)), `round ${round}`);
    }
  });
});
