import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Engine } from '../src/store/database.js';
import { createPostgresSchema, dropPostgresSchema, postgresUrlInSchema } from '../test/support/engines.js';
import { NO_LIMITS_ENV, serve } from '../test/support/spawned-server.js';
import { codeViewTargets } from './http-bench.js';

type Target = { path: string; headers: Record<string, string> };

interface Run {
  perSecond: number;
  p99: number;
  errors: number;
  /** CPU time (user and system) the serving process spent per request, in µs; NaN where unread. */
  cpuMicros: number;
}

/** Linux's clock ticks a second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user and system) process `pid` has used so far; NaN where /proc cannot tell. On a
 * machine others share, requests per second mostly measure what the others leave over, while the
 * CPU a process spends on each request barely moves: the two side by side say how much of a ratio
 * is the server's own.
 */
export function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields after the command (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Headers a server answers with that vary by response or connection: not part of what is compared. */
const VARYING = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-type']);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * `count` requests (each of `targets` once when count is their number) at `connections` in flight,
 * or for `seconds` when given; requests per second over the run, and the p99 latency.
 */
async function load(url: string, pid: number | undefined, targets: Target[], connections: number, options: { count?: number; seconds?: number }): Promise<Run> {
  let next = 0;
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    ...(options.seconds !== undefined ? { duration: options.seconds } : { amount: options.count }),
    requests: [
      {
        setupRequest: (request) => {
          const target = targets[next++ % targets.length]!;
          return { ...request, path: target.path, headers: { ...request.headers, ...target.headers } };
        },
      },
    ],
  });
  const seconds = options.seconds ?? result.duration;
  const cpuMicros = ((cpuSeconds(pid) - cpuBefore) / result.requests.total) * 1e6;
  return { perSecond: Math.round(result.requests.total / seconds), p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts, cpuMicros };
}

/** A baseline of bench/bare-fastify.ts in its own process on `port`. */
function startBaseline(port: number, nodeArgs: string[], args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/bare-fastify.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env, BENCH_PORT: String(port) } });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /listening (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The morning peak's code view over HTTP, one server process, beside baselines on the same machine
 * in the same run, as interleaved pairs (the machine is shared: each pair's ratio, then the median):
 * - cold: a server just started, `residents` signed-in residents each viewing their code once
 *   (neither session nor code in memory), beside an ideal cold view: a bare Fastify route doing an
 *   HMAC session check, one primary-key read on the same engine and database, one Ed25519
 *   signature, answering the same bytes with the same headers;
 * - warmed_cold: the same process then serving `residents` others it has never seen, each once:
 *   the morning's real case, a server up all night whose every code has expired (a fresh process
 *   also pays for its own warming up: lazy compilation, JIT, caches growing). The ideal gets the
 *   same two passes, so each figure compares like with like;
 * - warm: the same residents refreshing their codes for `seconds` (sessions and codes in memory),
 *   beside a bare route answering the same bytes with the same headers.
 * Ports: HEALTHCODE_BENCH_PORT and the next one (0: any).
 */
export async function coldViewBench(engine: Engine, residents: number, rounds = 3, connections = 50, seconds = 5): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-cold-view-'));
  const schema = engine === 'postgres' ? await createPostgresSchema('hc_bench') : undefined;
  const databaseUrl = schema === undefined ? `sqlite:${join(dataDir, 'healthcode.db')}` : postgresUrlInSchema(schema);
  const basePort = Number(process.env.HEALTHCODE_BENCH_PORT ?? 0);
  const serverPort = String(basePort);
  const baselinePort = basePort === 0 ? 0 : basePort + 1;
  const env = { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64'), HEALTHCODE_PORT: serverPort };
  try {
    // Twice the residents: the first half for a fresh process's pass, the second for the warmed one's.
    const targets = await codeViewTargets(dataDir, env, residents * 2);
    const hmacKey = randomBytes(32);
    const idealTargets = targets.map(({ path }) => {
      const id = path.split('/')[4]!;
      return { path, headers: { authorization: `Bearer ${id}.${createHmac('sha256', hmacKey).update(id).digest('base64url')}` } };
    });
    const prefix = `cold_view.${engine}`;
    const runs: Record<'cold' | 'ideal' | 'warmed_cold' | 'warmed_ideal' | 'warm' | 'bare', Run[]> = { cold: [], ideal: [], warmed_cold: [], warmed_ideal: [], warm: [], bare: [] };
    const [fresh, others] = [targets.slice(0, residents), targets.slice(residents)];
    const [idealFresh, idealOthers] = [idealTargets.slice(0, residents), idealTargets.slice(residents)];
    let bytes = 0;
    let headers: Record<string, string> = {};
    // HEALTHCODE_BENCH_CPU_PROF=<dir>: every server of the run writes a CPU profile to <dir>/cold,
    // <dir>/ideal, <dir>/warm or <dir>/bare (bench/cpu-profile-top.ts reads them). Profiling slows
    // each a little, so figures of a profiled run are not the ones to report.
    const profileDir = process.env.HEALTHCODE_BENCH_CPU_PROF;
    const profiling = (kind: keyof typeof runs | undefined) => (profileDir && kind ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, kind)}`] : []);
    const real = async (kind: 'cold' | 'warm' | undefined, work: (url: string, pid: number | undefined) => Promise<void>) => {
      // Three minutes to start: on a machine others load, 45 s was not always enough.
      const server = await serve(dataDir, env, [...profiling(kind), 'dist/cli/main.js'], [], 180_000);
      try {
        await work(server.url, server.child.pid);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    };
    const baseline = async (kind: 'ideal' | 'bare', args: string[], work: (url: string, pid: number | undefined) => Promise<void>) => {
      const started = await startBaseline(baselinePort, profiling(kind), args, { BENCH_HEADERS: JSON.stringify(headers), BENCH_HMAC_KEY: hmacKey.toString('base64') });
      try {
        await work(started.url, started.child.pid);
      } finally {
        await stopped(started.child);
      }
    };
    // The bytes and headers the baselines answer with: the real server's, from a server then let go
    // (its caches go with it). It first shows every resident's code once, as on an earlier day: what
    // a first view ever keeps (the masked name) is kept by the morning measured.
    await real(undefined, async (url, pid) => {
      await load(url, pid, targets, connections, { count: targets.length });
      const sample = await fetch(`${url}${targets[0]!.path}`, { headers: targets[0]!.headers });
      bytes = Buffer.byteLength(await sample.text());
      headers = Object.fromEntries([...sample.headers].filter(([name]) => !VARYING.has(name)));
    });
    for (let i = 0; i < rounds; i += 1) {
      // Alternate which goes first, so neither always meets the machine fresher.
      const pair = [
        () =>
          real('cold', async (url, pid) => {
            runs.cold.push(await load(url, pid, fresh, connections, { count: fresh.length }));
            runs.warmed_cold.push(await load(url, pid, others, connections, { count: others.length }));
          }),
        () =>
          baseline('ideal', [String(bytes), databaseUrl], async (url, pid) => {
            runs.ideal.push(await load(url, pid, idealFresh, connections, { count: idealFresh.length }));
            runs.warmed_ideal.push(await load(url, pid, idealOthers, connections, { count: idealOthers.length }));
          }),
      ];
      for (const run of i % 2 === 0 ? pair : pair.reverse()) await run();
    }
    for (let i = 0; i < rounds; i += 1) {
      const pair = [
        () =>
          real('warm', async (url, pid) => {
            await load(url, pid, fresh, connections, { count: fresh.length });
            runs.warm.push(await load(url, pid, fresh, connections, { seconds }));
          }),
        () => baseline('bare', [String(bytes)], async (url, pid) => void runs.bare.push(await load(url, pid, [{ path: '/code', headers: {} }], connections, { seconds }))),
      ];
      for (const run of i % 2 === 0 ? pair : pair.reverse()) await run();
    }
    const figures: Record<string, number> = { [`${prefix}.residents`]: residents, [`${prefix}.rounds`]: rounds, [`${prefix}.connections`]: connections, [`${prefix}.response_bytes`]: bytes };
    for (const [name, base, baseName] of [
      ['cold', 'ideal', 'ideal_cold'],
      ['warmed_cold', 'warmed_ideal', 'ideal_cold'],
      ['warm', 'bare', 'bare_fastify'],
    ] as const) {
      figures[`${prefix}.${name}.per_second`] = median(runs[name].map((r) => r.perSecond));
      figures[`${prefix}.${name}.p99_ms`] = median(runs[name].map((r) => r.p99));
      figures[`${prefix}.${name}.errors`] = runs[name].reduce((sum, r) => sum + r.errors, 0);
      figures[`${prefix}.${name}.${baseName}_per_second`] = median(runs[base].map((r) => r.perSecond));
      figures[`${prefix}.${name}.${baseName}_p99_ms`] = median(runs[base].map((r) => r.p99));
      figures[`${prefix}.${name}.${baseName}_errors`] = runs[base].reduce((sum, r) => sum + r.errors, 0);
      figures[`${prefix}.${name}.ratio_to_${baseName}_median`] = round3(median(runs[name].map((r, i) => r.perSecond / runs[base][i]!.perSecond)));
      // The same ratio from CPU time per request (the baseline's over the server's): what one process
      // would manage on a core of its own, whatever else the machine was doing.
      figures[`${prefix}.${name}.cpu_us_per_request`] = round3(median(runs[name].map((r) => r.cpuMicros)));
      figures[`${prefix}.${name}.${baseName}_cpu_us_per_request`] = round3(median(runs[base].map((r) => r.cpuMicros)));
      figures[`${prefix}.${name}.cpu_ratio_to_${baseName}_median`] = round3(median(runs[name].map((r, i) => runs[base][i]!.cpuMicros / r.cpuMicros)));
    }
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (schema !== undefined) await dropPostgresSchema(schema);
  }
}
