import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import Fastify from 'fastify';
import { buildApp, DEFAULT_WEB_ROOT } from '../src/http/app.js';
import { UNLIMITED } from '../test/support/harness.js';
import { benchServices, syntheticResident } from './bench-support.js';

/** Loopback ports of this benchmark's own servers. */
const APP_PORT = 18801;
const BARE_PORT = 18802;
/** What a browser that takes compressed answers says; the baseline says nothing (identity). */
const BROWSER_ENCODINGS = 'br, gzip';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes received on the socket for this answer: status line, headers and body. */
  wireBytes: number;
  bodyBytes: number;
  body: Buffer;
}

/**
 * GETs over one kept-alive connection, counting the bytes that came over the socket for each answer
 * (the socket's own count, so headers and chunk framing are counted as sent).
 */
function client(origin: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string, headers: Record<string, string>) =>
    new Promise<Answer>((resolve, reject) => {
      const req = request(`${origin}${path}`, { agent, headers });
      let socket: Socket | undefined;
      let before = 0;
      req.on('socket', (s: Socket) => {
        socket = s;
        before = s.bytesRead;
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, wireBytes: (socket?.bytesRead ?? 0) - before, bodyBytes: body.length, body });
        });
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

/** Every file a browser asks for when it opens a page: the page, what it names (script, preloads, style, icons, manifest), the service worker. */
function filesNamedBy(page: string): string[] {
  const named = [...page.matchAll(/\b(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1]!);
  return [...new Set([...named, '/sw.js'])];
}

/**
 * The resident app opened for the first time and again, in bytes received, with and without
 * compression: the first open fetches the page and all it names; the repeat open is what a browser
 * with its cache does: hashed assets (immutable) not asked for at all, everything else revalidated
 * with its ETag (304, headers only).
 */
async function appOpen(origin: string, encodings: string | undefined): Promise<{ first: number; repeat: number; requests: number }> {
  const { get, close } = client(origin);
  const asked: Record<string, string> = encodings ? { 'accept-encoding': encodings } : {};
  try {
    const page = await get('/resident/', asked);
    if (page.status !== 200) throw new Error(`/resident/: ${page.status}`);
    const html = page.headers['content-encoding'] === 'br' ? (await import('node:zlib')).brotliDecompressSync(page.body).toString() : page.headers['content-encoding'] === 'gzip' ? (await import('node:zlib')).gunzipSync(page.body).toString() : page.body.toString();
    const held = new Map<string, Answer>([['/resident/', page]]);
    for (const path of filesNamedBy(html)) {
      const answer = await get(path, asked);
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
      held.set(path, answer);
    }
    const first = [...held.values()].reduce((sum, a) => sum + a.wireBytes, 0);
    let repeat = 0;
    for (const [path, answer] of held) {
      if (String(answer.headers['cache-control']).includes('immutable')) continue;
      const again = await get(path, { ...asked, 'if-none-match': String(answer.headers.etag) });
      if (again.status !== 304) throw new Error(`${path} revalidated: ${again.status}`);
      repeat += again.wireBytes;
    }
    return { first, repeat, requests: held.size };
  } finally {
    close();
  }
}

const kB = (bytes: number) => Math.round(bytes / 100) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/**
 * Bytes on the wire: the resident app's first and repeat open with the build's brotli/gzip files
 * beside the same opens uncompressed, and one code view's answer (headers and body) beside a bare
 * Fastify answer of the same body, all in the same run.
 */
export async function wireBench(): Promise<Record<string, number>> {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'resident', 'index.html.br'))) execFileSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit' });
  const { services, dispose } = await benchServices('sqlite');
  const app = await buildApp({ services, bodyLimitBytes: 1024 * 1024, protection: { limits: UNLIMITED } });
  const bare = Fastify({ logger: false });
  try {
    const origin = await app.listen({ host: '127.0.0.1', port: APP_PORT });
    const compressed = await appOpen(origin, BROWSER_ENCODINGS);
    const plain = await appOpen(origin, undefined);

    const now = services.clock.now().getTime();
    const { id } = await services.residents.register(syntheticResident(1), { phoneVerifiedAt: now });
    await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    const session = await services.signIn.sessionFor(id, now);
    const api = client(origin);
    const view = await api.get(`/api/v1/residents/${id}/code`, { 'accept-encoding': BROWSER_ENCODINGS, authorization: `Bearer ${session.token}` });
    api.close();
    if (view.status !== 200) throw new Error(`code view: ${view.status}`);
    const body = view.body.toString();
    bare.get('/code', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
    const bareClient = client(await bare.listen({ host: '127.0.0.1', port: BARE_PORT }));
    const bareView = await bareClient.get('/code', { 'accept-encoding': BROWSER_ENCODINGS });
    bareClient.close();

    return {
      'wire.resident_app.requests': compressed.requests,
      'wire.resident_app.first_open_kB': kB(compressed.first),
      'wire.resident_app.first_open_uncompressed_kB': kB(plain.first),
      'wire.resident_app.first_open_ratio_to_uncompressed': ratio(compressed.first, plain.first),
      'wire.resident_app.repeat_open_kB': kB(compressed.repeat),
      'wire.resident_app.repeat_open_uncompressed_kB': kB(plain.repeat),
      'wire.resident_app.repeat_open_ratio_to_first_open': ratio(compressed.repeat, compressed.first),
      'wire.code_view.bytes': view.wireBytes,
      'wire.code_view.header_bytes': view.wireBytes - view.bodyBytes,
      'wire.code_view.body_bytes': view.bodyBytes,
      'wire.code_view.bare_fastify_bytes': bareView.wireBytes,
      'wire.code_view.bare_fastify_header_bytes': bareView.wireBytes - bareView.bodyBytes,
      'wire.code_view.ratio_to_bare_fastify': ratio(view.wireBytes, bareView.wireBytes),
    };
  } finally {
    await bare.close();
    await app.close();
    await dispose();
  }
}
