import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';

describeOnEachEngine('the figures operators read at a scrape', (h) => {
  it('reads an empty service as nothing waiting', async () => {
    const figures = await h().services.operations.figures();
    assert.deepEqual(figures.redecisionQueue, { depth: 0, oldestQueuedAt: null });
    assert.equal(figures.sunsetsPending, 0);
    assert.equal(figures.reclaimsPending, 0);
    assert.deepEqual(figures.members, []);
    assert.equal(figures.nationalList, null);
    assert.equal(figures.changeFeed.upToDate, true);
  });

  it('counts the residents waiting for a re-decision and when the oldest was queued', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const now = h().clock.now().getTime();
    await h().ctx.stores.redecisions.enqueue([zhang.id], 'risk-area', now - 120_000);
    await h().ctx.stores.redecisions.enqueue([liu.id], 'import', now - 5_000);
    assert.deepEqual((await h().services.operations.figures()).redecisionQueue, { depth: 2, oldestQueuedAt: now - 120_000 });
  });

  it('counts a sunset requested and not done as pending', async () => {
    await h().ctx.stores.sunsets.insert({ id: 'sunset-yuhang', region: '330110', requestedBy: 'staff-1', now: h().clock.now().getTime() });
    assert.equal((await h().services.operations.figures()).sunsetsPending, 1);
  });

  it('reports the pool on PostgreSQL and none on SQLite, which has one connection', async () => {
    const { pool } = await h().services.operations.figures();
    if (h().engine === 'sqlite') assert.equal(pool, undefined);
    else {
      assert.ok(pool);
      assert.ok(pool.size >= pool.inUse && pool.inUse >= 0 && pool.waiting >= 0, JSON.stringify(pool));
    }
  });
});
