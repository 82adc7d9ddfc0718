import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import QRCode from 'qrcode';
import { COLOURS, contrastRatio, QR_INK } from '../../src/domain/colour.js';

/** A code token of the real length (296 characters, base45 behind the prefix). */
const TOKEN = `JKM1:${'6BF.PCS$C..C*2F8+9RZ63:6DL6WX6H.9FVB1OCC0A7Q9$R5RX5KT98JC/G9AH8ZW6P2'.repeat(5)}`.slice(0, 296);

describe('a QR drawn in its colour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-coloured-qr-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const colour of COLOURS) {
    it(`is ${colour} ink dark enough for WCAG AA on white (4.5:1)`, () => {
      assert.ok(contrastRatio(QR_INK[colour], '#ffffff') >= 4.5, `${QR_INK[colour]}: ${contrastRatio(QR_INK[colour], '#ffffff').toFixed(2)}:1`);
    });

    it(`is read back by a scanner when drawn ${colour}, as the resident app draws it`, async () => {
      const file = join(dir, `${colour}.png`);
      writeFileSync(file, await QRCode.toBuffer(TOKEN, { errorCorrectionLevel: 'M', margin: 2, width: 300, color: { dark: QR_INK[colour], light: '#ffffff' } }));
      const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' });
      assert.ifError(result.error); // zbarimg missing: .ci/run installs zbar-tools
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), TOKEN);
    });
  }

  it('measures contrast as WCAG does: black on white is 21:1, a colour on itself 1:1', () => {
    assert.equal(Math.round(contrastRatio('#000000', '#ffffff')), 21);
    assert.equal(contrastRatio('#a3161a', '#a3161a'), 1);
  });
});
