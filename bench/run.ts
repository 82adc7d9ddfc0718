import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { decisionBench } from './decision-bench.js';
import { registrationBench } from './registration-bench.js';
import { tokenBench } from './token-bench.js';

/** `npm run bench`: runs every benchmark and writes the figures to bench/results.json. */
const RESULTS = new URL('./results.json', import.meta.url);

async function main(): Promise<void> {
  const figures: Record<string, number> = {};
  const record = (entries: Record<string, number>) => {
    for (const [name, value] of Object.entries(entries)) {
      figures[name] = value;
      process.stdout.write(`${name.padEnd(56)} ${value}\n`);
    }
  };
  const population = Number(process.env.HEALTHCODE_BENCH_POPULATION ?? 1_000_000);
  record(await tokenBench());
  for (const engine of ['sqlite', 'postgres'] as const) {
    record(await registrationBench(engine, 3000));
    record(await decisionBench(engine, population));
  }

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    figures,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`written to bench/results.json\n`);
}

await main();
