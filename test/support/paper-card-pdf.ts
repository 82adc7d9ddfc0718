import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A word on the printed page as poppler's pdftotext -bbox places it, in points from the top left. */
export interface PlacedWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** The page's size and its words, each with its box. */
export function cardWords(pdf: Buffer): { width: number; height: number; words: PlacedWord[] } {
  const dir = mkdtempSync(join(tmpdir(), 'paper-card-'));
  const file = join(dir, 'card.pdf');
  writeFileSync(file, pdf);
  const result = spawnSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.ifError(result.error);
  assert.equal(result.status, 0, result.stderr);
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(result.stdout);
  assert.ok(page, 'pdftotext names the page size');
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const words = [...result.stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    text: unescape(m[5]!),
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
  }));
  return { width: Number(page[1]), height: Number(page[2]), words };
}

/** The page rendered in grey at `dpi` (pdftoppm's PGM): `dark(x, y)` in points says whether ink is there (within a pixel). */
export function cardInk(pdf: Buffer, dpi = 144): { dark: (xPt: number, yPt: number) => boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'paper-card-'));
  const file = join(dir, 'card.pdf');
  writeFileSync(file, pdf);
  const result = spawnSync('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', file, join(dir, 'card')], { encoding: 'utf8' });
  assert.ifError(result.error);
  assert.equal(result.status, 0, result.stderr);
  const pgm = readFileSync(join(dir, 'card.pgm'));
  // P5 header: magic, width, height, maxval, each separated by whitespace, then one byte a pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  assert.ok(header, 'a binary PGM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  const scale = dpi / 72;
  return {
    dark: (xPt, yPt) => {
      // A hairline falls between pixels, each antialiased to grey: the darkest of the pixels around the point decides.
      const x0 = Math.round(xPt * scale);
      const y0 = Math.round(yPt * scale);
      for (let y = y0 - 1; y <= y0 + 1; y++) {
        for (let x = x0 - 1; x <= x0 + 1; x++) if (x >= 0 && y >= 0 && x < width && y < height && pixels[y * width + x]! < 128) return true;
      }
      return false;
    },
  };
}
