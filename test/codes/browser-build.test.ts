import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** `entry` bundled as a browser would load it: it must build, reach for no Node module, and verify with WebCrypto. */
async function assertBundlesForTheBrowser(entry: string): Promise<void> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  const code = result.outputFiles[0]!.text;
  assert.ok(!/from\s*["']node:|require\(["'](node:)?(crypto|fs|buffer)["']\)/.test(code), 'the bundle reaches for a Node module');
  assert.match(code, /crypto\.subtle\.verify/);
}

describe('the token verifier in the browser', () => {
  it('bundles for the browser with no Node built-in', async () => {
    await assertBundlesForTheBrowser('../../src/codes/token-verifier.ts');
  });

  it('bundles the browser apps\' one entry into src/codes with no Node built-in', async () => {
    await assertBundlesForTheBrowser('../../src/codes/index.ts');
  });
});
