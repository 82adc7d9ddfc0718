import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_CACHE_ENTRIES } from '../src/config.js';
import { codeMemoryBench } from './code-memory-bench.js';
import { coldViewBench } from './cold-view-bench.js';
import { decisionBench } from './decision-bench.js';
import { engineBench } from './engine-bench.js';
import { federationBench } from './federation-bench.js';
import { hangzhouReplay } from './hangzhou-replay.js';
import { httpBench } from './http-bench.js';
import { overloadBench } from './overload-bench.js';
import { registrationBench } from './registration-bench.js';
import { scanIngestionBench, traceBench } from './scan-bench.js';
import { tokenBench } from './token-bench.js';
import { wireBench } from './wire-bench.js';

/** `npm run bench`: runs every benchmark and writes the figures to bench/results.json. */
const RESULTS = new URL('./results.json', import.meta.url);

async function main(): Promise<void> {
  const figures: Record<string, number> = {};
  const only = process.env.HEALTHCODE_BENCH_ONLY?.split(',');
  // A partial run (HEALTHCODE_BENCH_ONLY) keeps the figures it did not measure, read again at each write so that
  // two partial runs at once keep each other's figures rather than the later one's start overwriting the other's.
  const onDisk = () => (only === undefined ? {} : ((JSON.parse(readFileSync(RESULTS, 'utf8')) as { figures?: Record<string, number> }).figures ?? {}));
  const write = () => {
    const previous = onDisk();
    const results = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      figures: { ...previous, ...figures },
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  };
  const record = (entries: Record<string, number>) => {
    for (const [name, value] of Object.entries(entries)) {
      figures[name] = value;
      process.stdout.write(`${name.padEnd(56)} ${value}\n`);
    }
    // Written after every benchmark: a run stopped part-way keeps what it measured.
    write();
  };
  const population = Number(process.env.HEALTHCODE_BENCH_POPULATION ?? 1_000_000);
  const maxScans = Number(process.env.HEALTHCODE_BENCH_SCANS ?? 10_000_000);
  const traceSizes = [1_000_000, 2_500_000, 5_000_000, 10_000_000].filter((n) => n < maxScans).concat(maxScans);
  const wanted = (name: string) => only === undefined || only.includes(name);
  if (wanted('tokens')) record(await tokenBench());
  if (wanted('engine')) record(engineBench());
  if (wanted('wire')) record(await wireBench());
  if (wanted('federation')) record(await federationBench());
  if (wanted('overload')) record(await overloadBench(Number(process.env.HEALTHCODE_BENCH_HTTP_RESIDENTS ?? 2000)));
  const engines = (process.env.HEALTHCODE_BENCH_ENGINES?.split(',') ?? ['sqlite', 'postgres']) as ('sqlite' | 'postgres')[];
  for (const engine of engines) {
    if (wanted('registration')) record(await registrationBench(engine, 3000));
    if (wanted('decision')) record(await decisionBench(engine, population));
    if (wanted('http')) record(await httpBench(engine, Number(process.env.HEALTHCODE_BENCH_HTTP_RESIDENTS ?? 2000)));
    if (wanted('cold-view')) record(await coldViewBench(engine, Number(process.env.HEALTHCODE_BENCH_COLD_RESIDENTS ?? 12_000), Number(process.env.HEALTHCODE_BENCH_ROUNDS ?? 3)));
    if (wanted('scans')) record(await scanIngestionBench(engine, 30));
    if (wanted('replay')) record(await hangzhouReplay(engine, Number(process.env.HEALTHCODE_BENCH_REPLAY_SCALE ?? 100)));
    if (wanted('code-memory')) record(await codeMemoryBench(engine, Number(process.env.HEALTHCODE_BENCH_MEMORY_RESIDENTS ?? 1_000_000), Number(process.env.HEALTHCODE_BENCH_MEMORY_CACHE_ENTRIES ?? DEFAULT_CACHE_ENTRIES)));
    if (wanted('trace')) record(await traceBench(engine, traceSizes, Math.min(population, 1_000_000), 100_000));
  }

  write();
  process.stdout.write(`written to bench/results.json\n`);
}

await main();
