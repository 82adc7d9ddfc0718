import assert from 'node:assert/strict';
import { it } from 'node:test';
import { factsChanged, factsVersions, lockedFactsVersions } from '../../src/store/facts-version.js';
import { describeOnEachEngine } from '../support/harness.js';
import { insertResidents } from '../support/random-population.js';

describeOnEachEngine("a resident's facts version", (h) => {
  const quiet = { registeredDaysAgo: 30, phoneVerified: true, stays: [], symptoms: false, temperature: 36.5, test: null, contactDaysAgo: null, checkIns: [] };

  it('starts at nought and rises by one for each write named, whoever else is named with it', async () => {
    const db = h().ctx.database.db;
    const [zhang, liu, chen] = await insertResidents(h().ctx, [quiet, quiet, quiet], h().clock.now().getTime());
    await factsChanged(db, [zhang!, liu!]);
    await factsChanged(db, [zhang!, zhang!]);
    assert.deepEqual(await factsVersions(db, [zhang!, liu!, chen!]), new Map([[zhang!, 2], [liu!, 1], [chen!, 0]]));
  });

  it('reads inside a transaction the same versions, and none for someone who is not a resident', async () => {
    const db = h().ctx.database.db;
    const [zhang] = await insertResidents(h().ctx, [quiet], h().clock.now().getTime());
    await factsChanged(db, [zhang!]);
    const locked = await h().ctx.database.transaction((trx) => lockedFactsVersions(trx, h().engine, [zhang!, 'no-such-resident']));
    assert.deepEqual(locked, new Map([[zhang!, 1]]));
  });

  it('reads and raises more residents than one statement holds', async () => {
    const db = h().ctx.database.db;
    const ids = await insertResidents(h().ctx, Array.from({ length: 1200 }, () => quiet), h().clock.now().getTime());
    await factsChanged(db, ids);
    const versions = await factsVersions(db, ids);
    assert.equal(versions.size, 1200);
    assert.ok([...versions.values()].every((v) => v === 1));
  });
});
