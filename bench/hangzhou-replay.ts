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
import { syntheticResident, throughput } from './bench-support.js';

/** Hangzhou's first day (11 February 2020): 6.51 million codes issued, 10 million checks at gates. */
const DAY_ONE = { registrations: 6_510_000, codeViews: 10_000_000, scans: 10_000_000 };
const CONCURRENCY = 64;
const SCAN_BATCH = 1000;

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
    const server = await serve(dataDir, env, ['dist/cli/main.js']);
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const expect = async (response: Response, status: number, what: string) => {
      if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    try {
      const residents: { id: string; token: string }[] = [];
      const registrationRate = await throughput(target.registrations, CONCURRENCY, async (i) => {
        const person = syntheticResident(i);
        await expect(await post('/api/v1/sign-in/code', { phone: person.phone }), 202, 'code');
        const sms = await expect(await fetch(`${server.url}/api/v1/dev/outbox?phone=${encodeURIComponent(person.phone!)}`), 200, 'outbox');
        const code = /\b(\d{6})\b/.exec(String(sms.body))?.[1];
        const registered = (await expect(await post('/api/v1/residents', { ...person, code }, undefined), 201, 'register')) as { id: string; session: { token: string } };
        await expect(await post(`/api/v1/residents/${registered.id}/declarations`, { stays: [], contacts: [], symptoms: [], temperature: 36.5 }, registered.session.token), 201, 'declare');
        residents[i] = { id: registered.id, token: registered.session.token };
      });
      const tokens: string[] = [];
      const viewRate = await throughput(target.codeViews, CONCURRENCY, async (i) => {
        const resident = residents[i % residents.length]!;
        const code = await expect(await fetch(`${server.url}/api/v1/residents/${resident.id}/code`, { headers: { authorization: `Bearer ${resident.token}` } }), 200, 'code view');
        tokens[i % residents.length] = String(code.token);
      });
      const scannedAt = new Date().toISOString();
      const uploads = Math.ceil(target.scans / SCAN_BATCH);
      const uploadRate = await throughput(uploads, 4, async (b) => {
        const scans = Array.from({ length: SCAN_BATCH }, (_, k) => ({ scanId: `s${b}-${k}`, token: tokens[(b * SCAN_BATCH + k) % tokens.length]!, scannedAt }));
        const result = (await expect(await post('/api/v1/checkpoint/scans', { scans }, devices[b % devices.length]), 200, 'upload')) as { results: { status: string }[] };
        const stored = result.results.filter((r) => r.status === 'stored').length;
        if (stored !== SCAN_BATCH) throw new Error(`upload ${b}: ${stored} of ${SCAN_BATCH} stored`);
      });
      const scanRate = uploadRate * SCAN_BATCH;
      const seconds = {
        registrations: target.registrations / registrationRate,
        codeViews: target.codeViews / viewRate,
        scans: target.scans / scanRate,
      };
      const total = seconds.registrations + seconds.codeViews + seconds.scans;
      const prefix = `hangzhou_day_one.${engine}`;
      return {
        [`${prefix}.scale`]: 1 / scale,
        [`${prefix}.registrations_with_declarations`]: target.registrations,
        [`${prefix}.registrations_per_second`]: registrationRate,
        [`${prefix}.code_views`]: target.codeViews,
        [`${prefix}.code_views_per_second`]: viewRate,
        [`${prefix}.scans`]: target.scans,
        [`${prefix}.scans_per_second`]: scanRate,
        [`${prefix}.seconds`]: round(total),
        [`${prefix}.full_scale_projected_hours_one_box`]: round((total * scale) / 3600, 2),
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
