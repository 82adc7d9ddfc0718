import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDirectory } from '../../scripts/precompress-web.js';

const stylesheet = Array.from({ length: 200 }, (_, i) => `.colour-${i} { background: #0f5e9c; padding: ${i % 16}px; }`).join('\n');

describe('pre-compressing the built apps', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'healthcode-precompress-'));
    mkdirSync(join(dir, 'assets'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes brotli and gzip files beside a stylesheet in a folder, each decompressing to it', () => {
    writeFileSync(join(dir, 'assets', 'ui-CvYZ7ueb.css'), stylesheet);
    precompressDirectory(dir);
    assert.equal(brotliDecompressSync(readFileSync(join(dir, 'assets', 'ui-CvYZ7ueb.css.br'))).toString(), stylesheet);
    assert.equal(gunzipSync(readFileSync(join(dir, 'assets', 'ui-CvYZ7ueb.css.gz'))).toString(), stylesheet);
  });

  it('reports each file compressed with its sizes, brotli smaller than gzip on text', () => {
    writeFileSync(join(dir, 'assets', 'ui-CvYZ7ueb.css'), stylesheet);
    const [done] = precompressDirectory(dir);
    assert.equal(done?.bytes, Buffer.byteLength(stylesheet));
    assert.ok(done!.brotliBytes < done!.gzipBytes && done!.gzipBytes < done!.bytes, JSON.stringify(done));
  });

  it('leaves images alone: a PNG is compressed already', () => {
    writeFileSync(join(dir, 'icon-192.png'), Buffer.alloc(4096, 7));
    assert.deepEqual(precompressDirectory(dir), []);
    assert.equal(existsSync(join(dir, 'icon-192.png.br')), false);
  });

  it('leaves a file under 1 KiB alone: the saving is less than a response header', () => {
    writeFileSync(join(dir, 'portal.js'), 'import "./ui.js";\n'.repeat(20));
    assert.deepEqual(precompressDirectory(dir), []);
    assert.equal(existsSync(join(dir, 'portal.js.gz')), false);
  });

  it('writes no variant that is no smaller than the file: random bytes do not shrink', () => {
    writeFileSync(join(dir, 'assets', 'noise.wasm'), randomBytes(4096));
    precompressDirectory(dir);
    assert.equal(existsSync(join(dir, 'assets', 'noise.wasm.br')), false);
    assert.equal(existsSync(join(dir, 'assets', 'noise.wasm.gz')), false);
  });
});
