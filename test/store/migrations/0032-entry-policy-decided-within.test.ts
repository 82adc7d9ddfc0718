import assert from 'node:assert/strict';
import { it } from 'node:test';
import { down, up } from '../../../src/store/migrations/0032-entry-policy-decided-within.js';
import { describeOnEachEngine } from '../../support/harness.js';

describeOnEachEngine('migration 0032: entry policies may bound how long ago a colour was decided', (h) => {
  it('reads a policy the authority set before it as one with no bound, and keeps its colours', async () => {
    const db = h().opened.store.db;
    await db.transaction().execute((trx) => down(trx as never));
    // A policy as the code before this change stored it: no column for the bound.
    await db.insertInto('entry_policies').values({ venue_type: 'hospital', allowed: '["green","yellow"]', overlap_minutes: 60, updated_at: 0 } as never).execute();
    await db.transaction().execute((trx) => up(trx as never));
    assert.deepEqual(await h().services.venues.policy('hospital'), { allowed: ['green', 'yellow'], overlapMinutes: 60, decidedWithinMinutes: null });
  });

  it('keeps the bound an authority sets', async () => {
    await h().services.venues.setPolicy('hospital', { allowed: ['green'], overlapMinutes: 60, decidedWithinMinutes: 360 });
    assert.equal((await h().services.venues.policy('hospital')).decidedWithinMinutes, 360);
  });
});
