import { performance } from 'node:perf_hooks';
import type { Engine } from '../src/store/database.js';
import { createHarness } from '../test/support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../test/support/people.js';

/**
 * The cost of blind indexes keyed per district: a look-up computes the value's index under each of
 * the D district keys held and matches them in one query. Per look-up, for D = 1 and D = 100.
 */
async function measure(engine: Engine, districts: number): Promise<{ hmacMicros: number; lookupMicros: number }> {
  const h = await createHarness(engine);
  try {
    await h.services.residents.register(LIU_FANG);
    await h.services.residents.register(ZHANG_WEI);
    // Keys for districts beyond the two with residents: Zhejiang's codes from 330111 on.
    for (let i = 0; h.ctx.regionKeys.regions().length < districts; i++) h.ctx.regionKeys.keyFor(String(330200 + i));
    const kept = h.ctx.regionKeys.regions().slice(0, districts);
    for (const region of h.ctx.regionKeys.regions()) if (!kept.includes(region)) h.ctx.regionKeys.backend.destroy(region);
    const n = 2000;
    let start = performance.now();
    for (let i = 0; i < n; i++) h.ctx.cipher.regionIndexes('resident.phone', `+86150678${String(i).padStart(5, '0')}`);
    const hmacMicros = ((performance.now() - start) * 1000) / n;
    start = performance.now();
    for (let i = 0; i < n; i++) await h.ctx.stores.residentLookups.findIdByPhone(i % 2 ? '+8615067891234' : `+86150678${String(i).padStart(5, '0')}`);
    const lookupMicros = ((performance.now() - start) * 1000) / n;
    return { hmacMicros, lookupMicros };
  } finally {
    await h.dispose();
  }
}

for (const engine of (process.env.HEALTHCODE_TEST_ENGINES ?? 'sqlite,postgres').split(',') as Engine[]) {
  for (const d of [1, 100]) {
    const r = await measure(engine, d);
    process.stdout.write(`${engine} D=${d}: ${r.hmacMicros.toFixed(1)} µs of HMACs, ${r.lookupMicros.toFixed(1)} µs per look-up by phone (HMACs and query)\n`);
  }
}
