import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** The QR the resident app drew, as a screenshot of its canvas read by zbarimg: what a gate's camera sees. */
export async function decodeShownQr(page: Page, file: string): Promise<string> {
  writeFileSync(file, await page.locator('canvas[data-token]').screenshot());
  const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' });
  assert.ifError(result.error); // zbarimg missing: .ci/run installs zbar-tools
  assert.equal(result.status, 0, `${file}: ${result.stderr}`);
  return result.stdout.trim();
}
