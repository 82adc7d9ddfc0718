import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEFAULT_SHEDDING } from '../src/config.js';
import { NO_LIMITS_ENV, serve } from '../test/support/spawned-server.js';
import { codeViewTargets, startBare } from './http-bench.js';

type Target = { path: string; headers: Record<string, string> };

/** The stated bound: with load shedding, the requests it accepts at 20× its capacity answer within this at p99. */
export const ACCEPTED_P99_BOUND_MS = 1500;
const SECONDS = 8;

interface Load {
  accepted: number;
  shed: number;
  /** Anything but 200 and 503, and failed connections. */
  other: number;
  acceptedP99: number;
  acceptedPerSecond: number;
  /** Slowest /healthz answer seen meanwhile, ms (a probe every 200 ms). */
  healthMaxMs: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** `connections` clients asking without pause for SECONDS; accepted latencies apart from refusals. */
async function load(url: string, targets: Target[], connections: number): Promise<Load> {
  let next = 0;
  const latencies: number[] = [];
  let shed = 0;
  let other = 0;
  let healthMaxMs = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
      healthMaxMs = Math.max(healthMaxMs, ok ? performance.now() - started : Infinity);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      { url, connections, duration: SECONDS, timeout: 30, requests: [{ setupRequest: (request) => ({ ...request, ...targetOf(targets[next++ % targets.length]!, request.headers as Record<string, string>) }) }] },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance!.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status === 200) latencies.push(responseTime);
    else if (status === 503) shed += 1;
    else other += 1;
  });
  const result = await finished;
  probing = false;
  await probe;
  latencies.sort((a, b) => a - b);
  return { accepted: latencies.length, shed, other: other + result.errors, acceptedP99: Math.round(percentile(latencies, 99)), acceptedPerSecond: Math.round(latencies.length / SECONDS), healthMaxMs: Math.round(healthMaxMs) };
}

const targetOf = (target: Target, headers: Record<string, string> | undefined) => ({ path: target.path, headers: { ...headers, ...target.headers } });

/**
 * Past saturation: cold code views (a read and a signature each) at 20× the connections the
 * service peaks at, with load shedding on (its default marks) and off, beside a bare Fastify route
 * under the same load. Shedding should keep the accepted requests' p99 under ACCEPTED_P99_BOUND_MS
 * and liveness answering, with refusals as 503, never errors.
 */
export async function overloadBench(residents: number): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-overload-bench-'));
  const env = { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: `sqlite:${join(dataDir, 'healthcode.db')}`, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64'), HEALTHCODE_CACHE_ENTRIES: '0' };
  const figures: Record<string, number> = {};
  try {
    const targets = await codeViewTargets(dataDir, env, residents);
    const capacityConnections = 50;
    const overloadConnections = 20 * capacityConnections;
    const variants = [
      { name: 'capacity', connections: capacityConnections, shedding: '0' },
      { name: 'overload_shedding', connections: overloadConnections, shedding: String(DEFAULT_SHEDDING.eventLoopDelayMs) },
      { name: 'overload_no_shedding', connections: overloadConnections, shedding: '0' },
    ];
    for (const variant of variants) {
      const server = await serve(dataDir, { ...env, HEALTHCODE_SHED_EVENT_LOOP_DELAY: variant.shedding }, ['dist/cli/main.js']);
      try {
        const run = await load(server.url, targets, variant.connections);
        const prefix = `overload.${variant.name}`;
        figures[`${prefix}.connections`] = variant.connections;
        figures[`${prefix}.accepted_per_second`] = run.acceptedPerSecond;
        figures[`${prefix}.shed`] = run.shed;
        figures[`${prefix}.other_errors`] = run.other;
        figures[`${prefix}.accepted_p99_ms`] = run.acceptedP99;
        figures[`${prefix}.healthz_max_ms`] = run.healthMaxMs;
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    const bare = await startBare(2000);
    try {
      const run = await load(bare.url, [{ path: '/code', headers: {} }], overloadConnections);
      figures['overload.bare_fastify.accepted_per_second'] = run.acceptedPerSecond;
      figures['overload.bare_fastify.p99_ms'] = run.acceptedP99;
    } finally {
      bare.child.kill();
    }
    figures['overload.accepted_p99_bound_ms'] = ACCEPTED_P99_BOUND_MS;
    figures['overload.shedding.p99_ratio_to_bare_fastify'] = Math.round((figures['overload.overload_shedding.accepted_p99_ms']! / Math.max(1, figures['overload.bare_fastify.p99_ms']!)) * 100) / 100;
    figures['overload.shedding.within_bound'] = figures['overload.overload_shedding.accepted_p99_ms']! <= ACCEPTED_P99_BOUND_MS ? 1 : 0;
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
