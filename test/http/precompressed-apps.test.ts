import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { precompressDirectory } from '../../scripts/precompress-web.js';
import { createHarness, UNLIMITED, type Harness } from '../support/harness.js';

/** A resident app as the build leaves it: a page naming a hashed script, both compressed beside them. */
function builtApps(): string {
  const root = mkdtempSync(join(tmpdir(), 'healthcode-precompressed-'));
  mkdirSync(join(root, 'resident'));
  mkdirSync(join(root, 'assets'));
  const preloads = Array.from({ length: 12 }, (_, i) => `    <link rel="modulepreload" crossorigin href="/assets/chunk-${i}-Dq3x9Za1.js">`).join('\n');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>healthcode</title>');
  writeFileSync(
    join(root, 'resident', 'index.html'),
    `<!doctype html>\n<html lang="zh-CN">\n  <head>\n    <meta charset="utf-8" />\n    <title>healthcode · resident</title>\n    <script type="module" crossorigin src="/assets/resident-D3ERna2M.js"></script>\n${preloads}\n  </head>\n  <body><div id="app"></div><noscript>健康码需要启用 JavaScript。healthcode needs JavaScript.</noscript></body>\n</html>\n`,
  );
  const code = Array.from({ length: 400 }, (_, i) => `export function colourReason${i}(facts) { return facts.stays.filter((s) => s.region === '3301${String(i % 100).padStart(2, '0')}').length > 0 ? 'yellow' : 'green'; }`).join('\n');
  writeFileSync(join(root, 'assets', 'resident-D3ERna2M.js'), code);
  precompressDirectory(root);
  return root;
}

describe('the apps sent pre-compressed', () => {
  let harness: Harness;
  let app: FastifyInstance;
  let webRoot: string;
  const script = '/assets/resident-D3ERna2M.js';
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  before(async () => {
    webRoot = builtApps();
    harness = await createHarness('sqlite');
    app = await buildApp({ services: harness.services, bodyLimitBytes: 64 * 1024, webRoot, protection: { limits: UNLIMITED } });
  });
  after(async () => {
    await app.close();
    await harness.dispose();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('sends the brotli file to a browser that accepts br, the same bytes once decompressed', async () => {
    const response = await get(script, { 'accept-encoding': 'br, gzip, deflate' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.deepEqual(brotliDecompressSync(response.rawPayload), readFileSync(join(webRoot, script)));
    assert.ok(response.rawPayload.length < readFileSync(join(webRoot, script)).length / 4, `${response.rawPayload.length} bytes sent`);
  });

  it('sends the gzip file to a browser that accepts only gzip, the same bytes once decompressed', async () => {
    const response = await get(script, { 'accept-encoding': 'gzip' });
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(response.rawPayload), readFileSync(join(webRoot, script)));
  });

  it('sends the file itself to a client that accepts no encoding', async () => {
    const response = await get(script);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.deepEqual(response.rawPayload, readFileSync(join(webRoot, script)));
  });

  it('tells caches that the answer depends on Accept-Encoding, whichever encoding was sent', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const response = await get(script, { 'accept-encoding': encoding });
      assert.match(String(response.headers.vary), /accept-encoding/i, `Accept-Encoding: ${encoding}`);
    }
  });

  it("sends an app's page compressed, by its folder's address, with its type", async () => {
    const response = await get('/resident/', { 'accept-encoding': 'br, gzip' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], 'br');
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.deepEqual(brotliDecompressSync(response.rawPayload), readFileSync(join(webRoot, 'resident', 'index.html')));
  });

  it('keeps the caching as before: hashed assets for good, pages revalidated each time', async () => {
    assert.equal((await get(script, { 'accept-encoding': 'br' })).headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get('/resident/', { 'accept-encoding': 'br' })).headers['cache-control'], 'no-cache');
  });

  it('answers 304 with no body to a browser revalidating the compressed page it holds', async () => {
    const first = await get('/resident/', { 'accept-encoding': 'br, gzip' });
    const again = await get('/resident/', { 'accept-encoding': 'br, gzip', 'if-none-match': String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
  });

  it('sends a file too small to gain from compression as it is', async () => {
    const response = await get('/', { 'accept-encoding': 'br, gzip' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.payload, '<!doctype html><title>healthcode</title>');
  });
});
