import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompressPlugin } from '../scripts/precompress-web.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The four browser apps, built into dist/web and served by the API server itself: no CDN. Each text
 * file is also written brotli- and gzip-compressed, once, for the server to send as it is.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  plugins: [precompressPlugin()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        portal: here('index.html'),
        resident: here('resident/index.html'),
        scanner: here('scanner/index.html'),
        venue: here('venue/index.html'),
        console: here('console/index.html'),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
