import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS } from '../../../src/domain/clock.js';
import { FACT_HORIZON_DAYS, type ResidentFacts } from '../../../src/domain/facts.js';
import { localInstant } from '../../../src/domain/rules/decide.js';
import { COMPILED_LIST_MOST } from '../../../src/store/compiled-query.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { insertResidents, listAreas, population } from '../../support/random-population.js';

/**
 * A decision reads its residents' facts with queries compiled once per number of residents, up to
 * COMPILED_LIST_MOST; more are built for their run (a re-decision's chunk). These attack the fast
 * way against the obvious one: any few residents' facts, compiled, are what the built queries find.
 */
/**
 * Facts with each list in one order: rows come in the order of the engine's plan (no query asks for
 * one, none needs one), which differs between one resident's look-up and a thousand's.
 */
const ordered = (facts: ResidentFacts | undefined) =>
  facts && Object.fromEntries(Object.entries(facts).map(([key, value]) => [key, Array.isArray(value) ? value.map((v) => JSON.stringify(v)).sort() : value]));

describeOnEachEngine('facts read for a decision', (h) => {
  /** Ids no resident has: padding a list with them sends it past the compiled lengths, onto the built queries. */
  const pastCompiled = Array.from({ length: COMPILED_LIST_MOST + 1 }, (_, i) => `no-such-resident-${i}`);

  it("reads any few residents' facts as the built queries do", async () => {
    const { ctx, clock } = h();
    const now = clock.now().getTime();
    const midnight = (date: string) => localInstant(date, 0, 'Asia/Shanghai');
    await fc.assert(
      fc.asyncProperty(population, fc.array(fc.nat(), { minLength: 1, maxLength: COMPILED_LIST_MOST }), async ({ residents, areas }, picks) => {
        await listAreas(ctx, areas, now);
        const ids = await insertResidents(ctx, residents, now);
        const some = [...new Set(picks.map((p) => ids[p % ids.length]!))];
        const built = await ctx.stores.facts.load([...ids, ...pastCompiled], now, midnight);
        const compiled = await ctx.stores.facts.load(some, now, midnight);
        assert.deepEqual([...compiled.keys()].sort(), some.filter((id) => built.has(id)).sort());
        for (const id of some) assert.deepEqual(ordered(compiled.get(id)), ordered(built.get(id)), id);
      }),
      { numRuns: 25 },
    );
  });

  it('reads the risk areas still in force as the built query does', async () => {
    const { ctx, clock } = h();
    const now = clock.now().getTime();
    await fc.assert(
      fc.asyncProperty(population, async ({ areas }) => {
        await listAreas(ctx, areas, now);
        const since = now - 2 * FACT_HORIZON_DAYS * DAY_MS;
        const rows = await ctx.database.db.selectFrom('risk_areas').selectAll().where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', since)])).execute();
        const obvious = rows.map((r) => ({ region: r.region_code, country: r.country_code, level: r.level, from: r.valid_from, to: r.valid_to }));
        assert.deepEqual(await ctx.stores.facts.riskAreas(now), obvious);
      }),
      { numRuns: 15 },
    );
  });
});
