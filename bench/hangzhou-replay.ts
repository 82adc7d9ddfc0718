import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServices } from '../src/cli/server.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import type { Engine } from '../src/store/database.js';
import { postgresUrlInSchema, TEST_POSTGRES_URL } from '../test/support/engines.js';
import { serve, NO_LIMITS_ENV } from '../test/support/spawned-server.js';
import { syntheticResident, timed } from './bench-support.js';
import { cpuSeconds } from './cold-view-bench.js';
import { startBare } from './http-bench.js';
import { loadClient, type Reply } from './load-client.js';

/** Hangzhou's first day (11 February 2020): 6.51 million codes issued, 10 million checks at gates. */
const DAY_ONE = { registrations: 6_510_000, codeViews: 10_000_000, scans: 10_000_000 };
const CONCURRENCY = 64;
const SCAN_BATCH = 1000;
/**
 * Loopback ports of the replay's server and of the bare baseline: HEALTHCODE_BENCH_PORT and the next
 * one (0, the default: any free port), as the cold-view bench takes them, so that runs side by side
 * on a shared machine keep to their own.
 */
const BASE_PORT = Number(process.env.HEALTHCODE_BENCH_PORT ?? 0);
const REPLAY_PORT = BASE_PORT;
const BARE_PORT = BASE_PORT === 0 ? 0 : BASE_PORT + 1;
const CEILING_REQUESTS = 30_000;


const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * Hangzhou's first day replayed over HTTP at 1/`scale` against the real server (compiled, its own
 * process): every resident asks for an SMS code, reads it (the development outbox stands in for the
 * phone), registers with it and declares; codes are viewed; checkpoints upload their scans in
 * batches. Each phase is timed; the whole day's time at full scale on this one box is projected
 * from the rates measured.
 */
export async function hangzhouReplay(engine: Engine, scale = 100): Promise<Record<string, number>> {
  const target = { registrations: Math.round(DAY_ONE.registrations / scale), codeViews: Math.round(DAY_ONE.codeViews / scale), scans: Math.round(DAY_ONE.scans / scale) };
  const dataDir = mkdtempSync(join(tmpdir(), 'healthcode-replay-'));
  const schema = `hc_replay_${randomBytes(5).toString('hex')}`;
  const databaseUrl = engine === 'sqlite' ? `sqlite:${join(dataDir, 'healthcode.db')}` : postgresUrlInSchema(schema);
  // The load comes from one address; a city's comes from millions: request limits are out of the way.
  const env = { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') };
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  if (engine === 'postgres') {
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
  }
  try {
    // The gates exist before the day starts: twenty metro gates with their device credentials.
    const devices: string[] = [];
    const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
    try {
      const venue = await opened.services.venues.registerVenue({ name: '龙翔桥站', type: 'subway_station', region: '330102', address: '延安路', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' });
      for (let g = 0; g < 20; g += 1) devices.push((await opened.services.venues.registerCheckpointDevice(venue.id, `${g + 1} 号闸机`)).token);
    } finally {
      await opened.close();
    }
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    // HEALTHCODE_BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
    const nodeArgs = process.env.HEALTHCODE_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const server = await serve(dataDir, { ...env, HEALTHCODE_PORT: String(REPLAY_PORT) }, [...nodeArgs, 'dist/cli/main.js']);
    // Every request writes a log line; the harness drains them rather than keeping 300,000 lines.
    server.child.stdout!.removeAllListeners('data');
    server.child.stdout!.resume();
    const client = loadClient(server.url, CONCURRENCY);
    const expect = (reply: Reply, status: number, what: string) => {
      if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${reply.text}`);
      return JSON.parse(reply.text) as Record<string, unknown>;
    };
    try {
      // Everything a request carries that does not depend on an earlier answer is made before the clock starts.
      const people = Array.from({ length: target.registrations }, (_, i) => {
        const person = syntheticResident(i);
        return { codeBody: JSON.stringify({ phone: person.phone }), outbox: `/api/v1/dev/outbox?phone=${encodeURIComponent(person.phone!)}`, registration: JSON.stringify(person).slice(1), code: undefined as string | undefined };
      });
      const declaration = JSON.stringify({ stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const residents: { path: string; headers: Record<string, string> }[] = [];
      // HEALTHCODE_BENCH_REPLAY_SPLIT=1 makes each of the four requests a phase of its own (every
      // resident asks for a code, then every one reads it, ...), so the server's CPU is told per request.
      const split = process.env.HEALTHCODE_BENCH_REPLAY_SPLIT === '1';
      const cpuPerRequest: Record<string, number> = {};
      const registrationCpuFrom = cpuSeconds(server.child.pid);
      const registration = split
        ? await splitRegistration(target.registrations, cpuPerRequest, {
            code: async (i) => void expect(await client.post('/api/v1/sign-in/code', people[i]!.codeBody), 202, 'code'),
            outbox: async (i) => {
              const sms = expect(await client.get(people[i]!.outbox), 200, 'outbox');
              people[i]!.code = /\b(\d{6})\b/.exec(String(sms.body))?.[1];
            },
            register: async (i) => {
              const registered = expect(await client.post('/api/v1/residents', `{"code":"${people[i]!.code}",${people[i]!.registration}`), 201, 'register') as { id: string; session: { token: string } };
              residents[i] = { path: `/api/v1/residents/${registered.id}/code`, headers: { authorization: `Bearer ${registered.session.token}` } };
            },
            declare: async (i) => void expect(await client.post(`${residents[i]!.path.slice(0, -'/code'.length)}/declarations`, declaration, residents[i]!.headers), 201, 'declare'),
          }, () => cpuSeconds(server.child.pid))
        : await timed(target.registrations, CONCURRENCY, async (i) => {
            const person = people[i]!;
            expect(await client.post('/api/v1/sign-in/code', person.codeBody), 202, 'code');
            // The development outbox stands in for the phone that receives the SMS: a request the real day does not have.
            const sms = expect(await client.get(person.outbox), 200, 'outbox');
            const code = /\b(\d{6})\b/.exec(String(sms.body))?.[1];
            const registered = expect(await client.post('/api/v1/residents', `{"code":"${code}",${person.registration}`), 201, 'register') as { id: string; session: { token: string } };
            const headers = { authorization: `Bearer ${registered.session.token}` };
            expect(await client.post(`/api/v1/residents/${registered.id}/declarations`, declaration, headers), 201, 'declare');
            residents[i] = { path: `/api/v1/residents/${registered.id}/code`, headers };
          });
      // The server's own CPU for the four requests a resident makes: what the shared machine's load moves least.
      const registrationCpu = cpuSeconds(server.child.pid) - registrationCpuFrom;
      const tokens: string[] = [];
      const views = await timed(target.codeViews, CONCURRENCY, async (i) => {
        const resident = residents[i % residents.length]!;
        const code = expect(await client.get(resident.path, resident.headers), 200, 'code view');
        tokens[i % residents.length] = String(code.token);
      });
      const scannedAt = new Date().toISOString();
      const uploads = Math.ceil(target.scans / SCAN_BATCH);
      const batches = Array.from({ length: uploads }, (_, b) => JSON.stringify({ scans: Array.from({ length: SCAN_BATCH }, (_, k) => ({ scanId: `s${b}-${k}`, token: tokens[(b * SCAN_BATCH + k) % tokens.length]!, scannedAt })) }));
      const scanning = await timed(uploads, 4, async (b) => {
        const result = expect(await client.post('/api/v1/checkpoint/scans', batches[b]!, { authorization: `Bearer ${devices[b % devices.length]}` }), 200, 'upload') as { results: { status: string }[] };
        const stored = result.results.filter((r) => r.status === 'stored').length;
        if (stored !== SCAN_BATCH) throw new Error(`upload ${b}: ${stored} of ${SCAN_BATCH} stored`);
      });
      client.close();
      // The load generator's own ceiling on this machine now: the same client against a bare Fastify
      // route; a phase near it measures the client, not the server.
      const bare = await startBare(600, BARE_PORT);
      let ceiling: number;
      let fetchCeiling: number;
      try {
        const bareClient = loadClient(bare.url, CONCURRENCY);
        ceiling = (await timed(CEILING_REQUESTS, CONCURRENCY, async () => void (await bareClient.get('/code')))).perSecond;
        bareClient.close();
        // What this harness sent requests with before: fetch(), for the ratio.
        fetchCeiling = (await timed(CEILING_REQUESTS, CONCURRENCY, async () => void (await (await fetch(`${bare.url}/code`)).text()))).perSecond;
      } finally {
        bare.child.kill();
      }
      const total = registration.seconds + views.seconds + scanning.seconds;
      const prefix = `hangzhou_day_one.${engine}`;
      const requestRate = (phase: { perSecond: number }, requestsEach: number) => Math.round(phase.perSecond * requestsEach);
      return {
        [`${prefix}.scale`]: 1 / scale,
        [`${prefix}.registrations_with_declarations`]: target.registrations,
        [`${prefix}.registrations_per_second`]: registration.perSecond,
        [`${prefix}.registrations_seconds`]: round(registration.seconds),
        [`${prefix}.registration_requests_per_second`]: requestRate(registration, 4),
        [`${prefix}.registration_server_cpu_us_per_resident`]: Math.round((registrationCpu * 1e6) / target.registrations),
        ...Object.fromEntries(Object.entries(cpuPerRequest).map(([request, seconds]) => [`${prefix}.server_cpu_us_per_${request}_request`, Math.round((seconds * 1e6) / target.registrations)])),
        [`${prefix}.code_views`]: target.codeViews,
        [`${prefix}.code_views_per_second`]: views.perSecond,
        [`${prefix}.code_views_seconds`]: round(views.seconds),
        [`${prefix}.scans`]: target.scans,
        [`${prefix}.scans_per_second`]: scanning.perSecond * SCAN_BATCH,
        [`${prefix}.scans_seconds`]: round(scanning.seconds),
        [`${prefix}.seconds`]: round(total),
        [`${prefix}.ratio_to_60_seconds`]: round(total / 60, 2),
        [`${prefix}.full_scale_projected_seconds_one_box`]: Math.round(total * scale),
        [`${prefix}.full_scale_projected_hours_one_box`]: round((total * scale) / 3600, 2),
        [`${prefix}.load_generator_ceiling_requests_per_second`]: ceiling,
        [`${prefix}.fetch_ceiling_requests_per_second`]: fetchCeiling,
        [`${prefix}.load_generator_ceiling_ratio_to_fetch`]: round(ceiling / fetchCeiling, 2),
        [`${prefix}.code_views_ratio_to_load_generator_ceiling`]: round(views.perSecond / ceiling, 3),
        [`${prefix}.registration_requests_ratio_to_load_generator_ceiling`]: round(requestRate(registration, 4) / ceiling, 3),
      };
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  }
}

/**
 * The registration phase as four phases, one per request, each timed together: the server's CPU
 * seconds for each request kind go into `cpu`.
 */
async function splitRegistration(count: number, cpu: Record<string, number>, requests: Record<'code' | 'outbox' | 'register' | 'declare', (i: number) => Promise<void>>, serverCpu: () => number) {
  let seconds = 0;
  for (const [request, task] of Object.entries(requests)) {
    const from = serverCpu();
    seconds += (await timed(count, CONCURRENCY, task)).seconds;
    cpu[request] = serverCpu() - from;
  }
  return { seconds, perSecond: Math.round(count / seconds) };
}
