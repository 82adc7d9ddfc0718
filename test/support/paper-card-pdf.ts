import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A printed card's page as a PNG, rendered by poppler's pdftoppm (Debian poppler-utils), at `dpi`. */
export function renderCardPage(pdf: Buffer, dpi = 150, dir = mkdtempSync(join(tmpdir(), 'paper-card-'))): string {
  const file = join(dir, 'card.pdf');
  writeFileSync(file, pdf);
  const result = spawnSync('pdftoppm', ['-r', String(dpi), '-png', '-singlefile', file, join(dir, 'card')], { encoding: 'utf8' });
  assert.ifError(result.error); // pdftoppm missing: scripts/test-prerequisites.sh installs poppler-utils
  assert.equal(result.status, 0, result.stderr);
  return join(dir, 'card.png');
}

/** What a gate's camera reads off the printed card: its page rendered, its QR decoded by zbarimg. */
export function readCardQr(pdf: Buffer): string {
  const png = renderCardPage(pdf);
  const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png], { encoding: 'utf8' });
  assert.ifError(result.error);
  assert.equal(result.status, 0, `${png}: ${result.stderr}`);
  return result.stdout.trim();
}

/** The card's text as poppler's pdftotext extracts it: what the page says, in reading order. */
export function cardText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'paper-card-'));
  const file = join(dir, 'card.pdf');
  writeFileSync(file, pdf);
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.ifError(result.error);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
