import { readFileSync } from 'node:fs';

/**
 * The functions a V8 CPU profile (`node --cpu-prof`) spent most self time in: `tsx
 * bench/cpu-profile-top.ts <file.cpuprofile> [n]` prints the top n (10) with their share of samples.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, count = '10'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [n]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + (hits.get(node.id) ?? 0));
}
const total = profile.samples.length;
for (const [name, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  process.stdout.write(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
}
