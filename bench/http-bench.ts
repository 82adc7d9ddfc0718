import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { openServices } from '../src/cli/server.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import type { Engine } from '../src/store/database.js';
import { postgresUrlInSchema, TEST_POSTGRES_URL } from '../test/support/engines.js';
import { serve, NO_LIMITS_ENV } from '../test/support/spawned-server.js';
import { syntheticResident, throughput } from './bench-support.js';

const CONNECTIONS = [10, 50, 100];
const SECONDS = 5;

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  connections: number;
  errors: number;
}

/** autocannon at each concurrency; the run where requests/s peaked. */
async function peak(url: string, paths: { path: string; headers: Record<string, string> }[]): Promise<Run> {
  let best: Run | undefined;
  for (const connections of CONNECTIONS) {
    let next = 0;
    const result = await autocannon({
      url,
      connections,
      duration: SECONDS,
      requests: [
        {
          setupRequest: (request) => {
            const target = paths[next++ % paths.length]!;
            return { ...request, path: target.path, headers: { ...request.headers, ...target.headers } };
          },
        },
      ],
    });
    const run = { perSecond: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, connections, errors: result.errors + result.non2xx };
    if (!best || run.perSecond > best.perSecond) best = run;
  }
  return best!;
}

/** Bare node:crypto Ed25519 signatures per second on one core, over a payload the size of a code's claims. */
function bareEd25519SignsPerSecond(): number {
  const { privateKey } = generateKeyPairSync('ed25519');
  const payload = randomBytes(180);
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 2000) {
    sign(null, payload, privateKey);
    n += 1;
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

/**
 * Registers `residents` who declared and signed in, in the database of `env`, and builds the server
 * as `npm start` runs it (compiled, not through the TypeScript loader): each resident's code view
 * with their session.
 */
export async function codeViewTargets(dataDir: string, env: Record<string, string>, residents: number): Promise<{ path: string; headers: Record<string, string> }[]> {
  const targets: { path: string; headers: Record<string, string> }[] = [];
  const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
  try {
    const { services } = opened;
    const now = services.clock.now().getTime();
    // Eight at a time: thousands of residents on PostgreSQL one by one take minutes.
    await throughput(residents, 8, async (i) => {
      const { id } = await services.residents.register(syntheticResident(i), { phoneVerifiedAt: now });
      await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const session = await services.signIn.sessionFor(id, now);
      targets[i] = { path: `/api/v1/residents/${id}/code`, headers: { authorization: `Bearer ${session.token}` } };
    });
  } finally {
    await opened.close();
  }
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  return targets;
}

/** A bare Fastify route answering `bytes` of JSON, in its own process: the baseline. */
export function startBare(bytes: number, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-fastify.ts', String(bytes), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /listening (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`bare server exited ${code}`)));
  });
}

/**
 * Code views over HTTP against the real server (its own process), beside a bare Fastify route
 * returning the same number of bytes and bare Ed25519 signing, measured in the same run.
 */
export async function httpBench(engine: Engine, residents: number): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-http-bench-'));
  const schema = `hc_bench_${randomBytes(5).toString('hex')}`;
  const databaseUrl = engine === 'sqlite' ? `sqlite:${join(dataDir, 'healthcode.db')}` : postgresUrlInSchema(schema);
  // The load comes from one address; a city's comes from millions: request limits are out of the way.
  const env = { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') };
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`create schema "${schema}"`);
    await client.end();
  }
  try {
    const targets = await codeViewTargets(dataDir, env, residents);
    const prefix = `http_code_view.${engine}`;
    const figures: Record<string, number> = { [`${prefix}.residents`]: residents };
    let baseline: Run | undefined;
    // Warm: residents refreshing their code (sessions and shown codes in memory). Cold: every view
    // as if it were the resident's first (caches off), one indexed read and a signature each.
    const variants: { name: string; env: Record<string, string>; args: string[] }[] = [
      { name: '', env: {}, args: [] },
      { name: '.cold', env: { HEALTHCODE_CACHE_ENTRIES: '0' }, args: [] },
      ...(engine === 'postgres' ? [{ name: '.2_workers', env: {}, args: ['--workers', '2'] }] : []),
    ];
    for (const variant of variants) {
      const server = await serve(dataDir, { ...env, ...variant.env }, ['dist/cli/main.js'], variant.args);
      try {
        if (baseline === undefined) {
          const sample = await fetch(`${server.url}${targets[0]!.path}`, { headers: targets[0]!.headers });
          const bytes = (await sample.text()).length;
          const bare = await startBare(bytes);
          try {
            baseline = await peak(bare.url, [{ path: '/code', headers: {} }]);
          } finally {
            bare.child.kill();
          }
          figures[`${prefix}.response_bytes`] = bytes;
          figures[`${prefix}.bare_fastify_per_second`] = baseline.perSecond;
          figures[`${prefix}.bare_fastify_p99_ms`] = baseline.p99;
          figures[`${prefix}.bare_ed25519_signs_per_second`] = bareEd25519SignsPerSecond();
        }
        const codes = await peak(server.url, targets);
        figures[`${prefix}${variant.name}.per_second`] = codes.perSecond;
        figures[`${prefix}${variant.name}.p50_ms`] = codes.p50;
        figures[`${prefix}${variant.name}.p99_ms`] = codes.p99;
        figures[`${prefix}${variant.name}.peak_connections`] = codes.connections;
        figures[`${prefix}${variant.name}.errors`] = codes.errors;
        figures[`${prefix}${variant.name}.ratio_to_bare_fastify`] = Math.round((codes.perSecond / baseline.perSecond) * 1000) / 1000;
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    if (engine === 'postgres') figures[`${prefix}.2_workers.ratio_to_1_worker`] = Math.round((figures[`${prefix}.2_workers.per_second`]! / figures[`${prefix}.per_second`]!) * 100) / 100;
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
}
