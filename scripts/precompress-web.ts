import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Text-like files worth compressing; images and fonts in formats that are compressed already are
 * left alone (a second pass only costs the server a file look-up and the browser a decode).
 */
const COMPRESSIBLE = /\.(html|js|mjs|css|json|webmanifest|svg|wasm|txt|xml)$/i;
/** Below this, the saving is less than the headers a response carries anyway. */
const MIN_BYTES = 1024;

export interface Precompressed {
  file: string;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

/**
 * Writes `name.br` and `name.gz` beside each compressible file under `dir`, once, at build time, at
 * the highest levels (the cost is paid once, not per request as on-the-fly compression would): the
 * server sends them with `preCompressed` to browsers that accept them. A variant no smaller than
 * the file is not written, and the server then falls back to the next encoding or the file itself.
 */
export function precompressDirectory(dir: string): Precompressed[] {
  const done: Precompressed[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      done.push(...precompressDirectory(path));
      continue;
    }
    if (!COMPRESSIBLE.test(entry.name) || statSync(path).size < MIN_BYTES) continue;
    const content = readFileSync(path);
    const brotli = brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length, [constants.BROTLI_PARAM_MODE]: entry.name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT },
    });
    const gzip = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
    if (brotli.length < content.length) writeFileSync(`${path}.br`, brotli);
    if (gzip.length < content.length) writeFileSync(`${path}.gz`, gzip);
    done.push({ file: path, bytes: content.length, brotliBytes: brotli.length, gzipBytes: gzip.length });
  }
  return done;
}

/** The Vite plugin: once the build has written the apps (public files included), compress them. */
export function precompressPlugin(): { name: string; apply: 'build'; configResolved(config: { root: string; build: { outDir: string } }): void; closeBundle(): void } {
  let outDir = '';
  return {
    name: 'healthcode-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDirectory(outDir);
    },
  };
}
