import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

/** Zhang Wei, back from five days in Wuchang (420106) a week ago, with a code shown once already. */
async function zhangBackFromWuchang(h: Harness): Promise<string> {
  await h.services.keys.activeKey('330110');
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, {
    stays: [{ region: '420106', arrival: '2026-11-08T09:00:00+08:00', departure: '2026-11-13T18:00:00+08:00' }],
    contacts: [],
    symptoms: [],
    temperature: 36.6,
  });
  return id;
}

/** Counts the names opened through the residents store while `work` runs. */
async function namesOpenedDuring(h: Harness, work: () => Promise<unknown>): Promise<number> {
  const residents = h.ctx.stores.residents;
  const names = residents.names.bind(residents);
  let opened = 0;
  residents.names = async (ids) => {
    opened += ids.length;
    return names(ids);
  };
  try {
    await work();
  } finally {
    residents.names = names;
  }
  return opened;
}

describeOnEachEngine('re-deciding many residents', (h) => {
  it('opens no resident’s name: a decision does not read it', async () => {
    const id = await zhangBackFromWuchang(h());
    const opened = await namesOpenedDuring(h(), () => h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' }));
    assert.equal(opened, 0);
    assert.equal((await h().services.healthCodes.issue(id)).decision.colour, 'red');
  });

  it('serves a code decided by a re-decision with the masked name, opened once when first served', async () => {
    const id = await zhangBackFromWuchang(h());
    await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    const first = await namesOpenedDuring(h(), async () => assert.equal((await h().services.healthCodes.issue(id)).maskedName, '张*'));
    const again = await namesOpenedDuring(h(), async () => assert.equal((await h().services.healthCodes.issue(id)).maskedName, '张*'));
    assert.deepEqual([first, again], [1, 0]);
  });

  it('keeps the masked name a served code stored when the resident is decided again', async () => {
    const id = await zhangBackFromWuchang(h());
    await h().services.healthCodes.issue(id);
    await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    const opened = await namesOpenedDuring(h(), async () => assert.equal((await h().services.healthCodes.issue(id)).maskedName, '张*'));
    assert.equal(opened, 0);
  });

  it('takes the residents it decided off the re-decision queue', async () => {
    await zhangBackFromWuchang(h());
    const result = await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    assert.equal(result.redecided, 1);
    assert.equal(await h().ctx.stores.redecisions.size(), 0);
  });
});
