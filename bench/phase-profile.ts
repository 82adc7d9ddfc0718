import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

/**
 * Runs `phase` under the V8 CPU profiler when HEALTHCODE_BENCH_PROFILE names it, writing the profile
 * to HEALTHCODE_BENCH_PROFILE_DIR (a `.cpuprofile` that Chrome's DevTools opens) and its top lines by
 * self time to stderr; otherwise just runs it. Only the phase is profiled: set-up is left out.
 */
export async function profiled<T>(name: string, phase: () => Promise<T>): Promise<T> {
  if (!(process.env.HEALTHCODE_BENCH_PROFILE?.split(',') ?? []).includes(name)) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    const dir = process.env.HEALTHCODE_BENCH_PROFILE_DIR ?? '.';
    const file = `${dir}/${name}-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`profile of ${name}: ${file}\n${topLines(profile, 25)}\n`);
  }
}

/** The functions that took the most samples themselves, with their share of all samples. */
export function topLines(profile: Profile, count: number): string {
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, hits]) => `${((100 * hits) / Math.max(total, 1)).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
}
