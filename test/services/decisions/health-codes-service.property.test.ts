import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { maskName } from '../../../src/domain/masking.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { withCheck, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const TTL_MS = 300_000;
const SURNAMES = ['张', '王', '李', '欧阳', '司马', '陈'];
const GIVEN = ['伟', '芳', '秀', '英', '志', '强', '桂', '兰'];

/** Her code viewed cold, read along with her session as the route reads it: the masked name it shows. */
async function coldView(h: Harness, id: string): Promise<string> {
  const session = await h.services.signIn.sessionFor(id, h.clock.now().getTime());
  const { along } = await h.services.signIn.authenticate(session.token, h.services.healthCodes.readAlong(id));
  assert.ok(along, 'nothing was read along');
  return (await h.services.healthCodes.view(id, along)).issued.maskedName;
}

describeOnEachEngine('the masked name a cold code view shows, kept after the first', (h) => {
  it('is the name opened from her record and masked, as every view opened it before, across mornings and re-decisions', { timeout: 240_000 }, async () => {
    let run = 0;
    await h().services.keys.activeKey('330110');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SURNAMES),
        fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom('morning' as const, 're-decided' as const), { minLength: 1, maxLength: 4 }),
        async (surname, given, days) => {
          run += 1;
          const name = surname + given.join('');
          const person = { ...ZHANG_WEI, name, phone: `1390001${String(run).padStart(4, '0')}`, idNumber: withCheck(`33011019900102${String(100 + run).padStart(3, '0')}`) };
          const id = await registerVerified(h(), person);
          await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
          // The old path: the sealed name opened and masked at every cold view.
          const opened = maskName((await h().ctx.stores.residents.names([id])).get(id)!);
          assert.equal(await coldView(h(), id), opened);
          for (const day of days) {
            h().clock.advance(TTL_MS);
            if (day === 're-decided') await h().services.decisions.redecide([id], 'time passed');
            assert.equal(await coldView(h(), id), opened, `after ${day}`);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
