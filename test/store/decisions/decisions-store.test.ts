import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { CurrentDecision } from '../../../src/store/decisions/decisions-store.js';
import { factsChanged, factsVersions } from '../../../src/store/facts-version.js';
import { evaluator, NOW, resident, wuchangHighRisk } from '../../support/hangzhou-morning.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { insertResidents } from '../../support/random-population.js';

/** Red from two days in Wuchang a week ago, and green from staying home. */
const red = evaluator.decide(resident({ stays: [{ region: '420106', country: null, arrival: NOW - 7 * DAY_MS, departure: NOW - 5 * DAY_MS, source: 'declaration', recordedAt: NOW - 2 * HOUR_MS }] }), [wuchangHighRisk], NOW);
const green = evaluator.decide(resident(), [wuchangHighRisk], NOW);

describeOnEachEngine('decisions saved over the facts they were decided from', (h) => {
  const quiet = { registeredDaysAgo: 30, phoneVerified: true, stays: [], symptoms: false, temperature: 36.5, test: null, contactDaysAgo: null, checkIns: [] };
  const kept = (residentId: string, decision: typeof red): CurrentDecision => ({ id: h().ctx.newId(), residentId, decision, validUntil: NOW + DAY_MS, maskedName: null, region: '330110', changed: true });

  it('saves a decision whose facts nobody wrote since they were read, and queues its notice of a new colour', async () => {
    const [zhang] = await insertResidents(h().ctx, [quiet], h().clock.now().getTime());
    const decisions = h().ctx.stores.decisions;
    await decisions.save([kept(zhang!, green)], 'declaration', h().ctx.newId, NOW, await factsVersions(h().ctx.database.db, [zhang!]));
    const { queued, lost } = await decisions.save([kept(zhang!, red)], 'risk area', h().ctx.newId, NOW, await factsVersions(h().ctx.database.db, [zhang!]));
    assert.deepEqual({ colour: (await decisions.current(zhang!))?.colour, queued: queued.length, lost }, { colour: 'red', queued: 1, lost: [] });
  });

  it('leaves as stored, with no history row and no text queued, a decision whose facts were written after they were read', async () => {
    const [zhang, liu] = await insertResidents(h().ctx, [quiet, quiet], h().clock.now().getTime());
    const decisions = h().ctx.stores.decisions;
    await decisions.save([kept(zhang!, green), kept(liu!, green)], 'declaration', h().ctx.newId, NOW, await factsVersions(h().ctx.database.db, [zhang!, liu!]));
    const read = await factsVersions(h().ctx.database.db, [zhang!, liu!]);
    await factsChanged(h().ctx.database.db, [zhang!]);
    const history = (await decisions.history(zhang!)).length;
    const { queued, lost } = await decisions.save([kept(zhang!, red), kept(liu!, red)], 'risk area', h().ctx.newId, NOW, read);
    assert.deepEqual(lost, [zhang!]);
    assert.equal(queued.length, 1, "only Liu's change of colour is told");
    assert.equal((await decisions.current(zhang!))?.colour, 'green');
    assert.equal((await decisions.history(zhang!)).length, history);
    assert.equal((await decisions.current(liu!))?.colour, 'red');
  });

  it('counts an invalidation as a write: a decision read before it is not saved after it', async () => {
    const [zhang] = await insertResidents(h().ctx, [quiet], h().clock.now().getTime());
    const decisions = h().ctx.stores.decisions;
    const read = await factsVersions(h().ctx.database.db, [zhang!]);
    await decisions.invalidate([zhang!]);
    assert.deepEqual((await decisions.save([kept(zhang!, green)], 'code shown', h().ctx.newId, NOW, read)).lost, [zhang!]);
  });
});
