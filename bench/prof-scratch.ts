import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openServices } from '../src/cli/server.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { syntheticResident } from './bench-support.js';
import { serverEnv } from '../test/support/spawned-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hc-prof-'));
const env = { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_DATABASE_URL: process.env.DBURL ?? `sqlite:${join(dataDir, 'healthcode.db')}`, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') };
const targets: { path: string; headers: Record<string, string> }[] = [];
const opened = await openServices(loadConfig({ HEALTHCODE_DATA_DIR: dataDir, ...env }), createLogger('silent'));
const now = opened.services.clock.now().getTime();
for (let i = 0; i < 500; i += 1) {
  const { id } = await opened.services.residents.register(syntheticResident(i), { phoneVerifiedAt: now });
  await opened.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  const session = await opened.services.signIn.sessionFor(id, now);
  targets.push({ path: `/api/v1/residents/${id}/code`, headers: { authorization: `Bearer ${session.token}` } });
}
await opened.close();
const args = process.env.NOPROF ? [] : ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'];
const child = spawn(process.execPath, [...args, 'dist/cli/main.js', 'serve', ...(process.env.SERVE_ARGS?.split(' ') ?? [])], { env: serverEnv(dataDir, env), stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => child.stdout!.on('data', (c: Buffer) => { const m = /open (\S+?)\/ /.exec(c.toString()); if (m) resolve(m[1]!); }));
let next = 0;
const result = await autocannon({ url, connections: Number(process.env.CONN ?? 50), duration: Number(process.env.SECS ?? 8), requests: [{ setupRequest: (r) => { const t = targets[next++ % targets.length]!; return { ...r, path: t.path, headers: { ...r.headers, ...t.headers } }; } }] });
console.log('req/s', result.requests.average, 'p50', result.latency.p50, 'p99', result.latency.p99, 'non2xx', result.non2xx, 'errors', result.errors);
child.kill('SIGINT');
await new Promise((r) => child.on('exit', r));
