import assert from 'node:assert/strict';
import { it } from 'node:test';
import { down, up } from '../../../src/store/migrations/0033-facts-version.js';
import { factsVersions } from '../../../src/store/facts-version.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

describeOnEachEngine("migration 0033: a count of the writes to each resident's facts", (h) => {
  it('gives a resident registered before it the version nought, and a declaration after it raises it', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const db = h().opened.store.db;
    await db.transaction().execute((trx) => down(trx as never));
    await db.transaction().execute((trx) => up(trx as never));
    assert.deepEqual(await factsVersions(db, [zhang]), new Map([[zhang, 0]]));
    await h().services.declarations.declare(zhang, { stays: [], contacts: [], symptoms: ['fatigue'], temperature: 36.8 });
    assert.deepEqual(await factsVersions(db, [zhang]), new Map([[zhang, 1]]));
  });
});
