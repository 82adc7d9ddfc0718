import { healthCodeView } from '../src/http/views.js';
import { DEFAULT_CACHE_ENTRIES } from '../src/config.js';
import { benchServices, syntheticResident } from './bench-support.js';

const MB = 2 ** 20;

/**
 * Memory of one process while `residents` distinct residents each sign in and view their code once,
 * through the service layer (what the code route calls: the session checked, then healthCodeView), not
 * over HTTP, to keep the run's time bounded; SQLite on a file. Each resident is registered and
 * declares just before their view, so nothing of theirs is in memory before. RSS and heap (after a
 * collection, where `--expose-gc` allows) at each tenth of the way: past the caches' bound
 * (`cacheEntries` sessions and shown codes) they should stay level. A bound below the default lets a
 * run of bounded time pass it; the heap each cached resident holds (`heap_kb_per_resident_below_bound`,
 * from the tenths before the bound) then tells the plateau at the default bound.
 */
export async function codeMemoryBench(residents: number, cacheEntries = DEFAULT_CACHE_ENTRIES): Promise<Record<string, number>> {
  const { services, dispose } = await benchServices('sqlite', undefined, 0, cacheEntries);
  const prefix = 'code_view_memory.sqlite';
  const figures: Record<string, number> = { [`${prefix}.residents`]: residents, [`${prefix}.cache_entries`]: cacheEntries, [`${prefix}.default_cache_entries`]: DEFAULT_CACHE_ENTRIES };
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = () => {
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss: Math.round(rss / MB), heap: Math.round(heapUsed / MB) };
  };
  try {
    const start = measure();
    figures[`${prefix}.rss_mb_at_start`] = start.rss;
    const step = Math.max(1, Math.floor(residents / 10));
    const atSteps: { viewed: number; rss: number; heap: number }[] = [];
    const started = performance.now();
    for (let i = 0; i < residents; i += 1) {
      const now = services.clock.now().getTime();
      const { id } = await services.residents.register(syntheticResident(i), { phoneVerifiedAt: now });
      await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const session = await services.signIn.sessionFor(id, now);
      const caller = await services.signIn.authenticate(session.token);
      if (!(await services.residents.mayActFor(caller.residentId, id))) throw new Error('a resident may not view their own code');
      await healthCodeView(services, id);
      if ((i + 1) % step === 0) {
        const m = measure();
        atSteps.push({ viewed: i + 1, ...m });
        process.stdout.write(`  ${i + 1} residents viewed: rss ${m.rss} MB, heap ${m.heap} MB, ${Math.round((performance.now() - started) / 1000)} s\n`);
      }
    }
    const last = atSteps.at(-1) ?? { viewed: 0, ...measure() };
    const below = atSteps.filter((m) => m.viewed <= cacheEntries);
    if (below.length >= 2) figures[`${prefix}.heap_kb_per_resident_below_bound`] = Math.round(((below.at(-1)!.heap - below[0]!.heap) * 1024) / (below.at(-1)!.viewed - below[0]!.viewed));
    figures[`${prefix}.heap_mb_at_start`] = start.heap;
    // Level past the caches' bound: the most RSS grew over the last half of the run.
    const half = atSteps.slice(Math.floor(atSteps.length / 2));
    figures[`${prefix}.rss_mb_at_end`] = last.rss;
    figures[`${prefix}.heap_mb_at_end`] = last.heap;
    figures[`${prefix}.rss_mb_peak`] = Math.max(...atSteps.map((m) => m.rss));
    figures[`${prefix}.rss_mb_growth_over_last_half`] = half.length > 0 ? last.rss - half[0]!.rss : 0;
    figures[`${prefix}.gc_forced`] = gc === undefined ? 0 : 1;
    figures[`${prefix}.seconds`] = Math.round((performance.now() - started) / 1000);
    return figures;
  } finally {
    await dispose();
  }
}
