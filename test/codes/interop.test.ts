import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateSigningKey, signToken } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import { renderQr } from '../../src/services/decisions/health-codes-service.js';

/** Debian's python3 (with python3-cbor2 and python3-cryptography), not a virtualenv's. */
const PYTHON = '/usr/bin/python3';
const VERIFY = fileURLToPath(new URL('./interop/verify_token.py', import.meta.url));
const key = generateSigningKey('CN-330110');
const issuedAt = Math.floor(Date.parse('2026-11-20T10:00:00+08:00') / 1000);
const token = signToken(key, { subject: 'q7Yv3xk2TmC9bR4sLw0pZg', issuedAt, notBefore: issuedAt, expiresAt: issuedAt + 300, colour: 'yellow', mark: null, maskedName: '李*英' });

describe('interoperability with independent implementations', () => {
  it('verifies with Python cbor2 and cryptography, reading the same claims', () => {
    const result = spawnSync(PYTHON, [VERIFY, bytesToBase64Url(key.publicKey)], { input: token, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      iss: 'CN-330110',
      sub: 'q7Yv3xk2TmC9bR4sLw0pZg',
      exp: issuedAt + 300,
      iat: issuedAt,
      hc: { c: 'yellow', n: '李*英' },
      kid: key.kid,
    });
  });

  it('fails the Python check when a byte of the token is changed', () => {
    const tampered = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    const result = spawnSync(PYTHON, [VERIFY, bytesToBase64Url(key.publicKey)], { input: tampered, encoding: 'utf8' });
    assert.notEqual(result.status, 0);
  });

  it('renders a QR image that zbarimg decodes back to the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-qr-'));
    try {
      const file = join(dir, 'code.png');
      writeFileSync(file, (await renderQr(token, 'png')) as Buffer);
      const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' });
      assert.ifError(result.error); // zbarimg missing: .ci/run installs zbar-tools
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
