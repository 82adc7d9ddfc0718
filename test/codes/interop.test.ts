import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { presentationSigningBytes, presentationText, timeStep, verifyPresentation } from '../../src/codes/offline-pass.js';
import { generateSigningKey, nodeVerify, rawPublicKey, signOfflinePass, signToken } from '../../src/codes/token-signer.js';
import { bytesToBase64Url, type TrustList } from '../../src/codes/trust-list.js';
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

describe('offline pass and presentation against an independent implementation', () => {
  const PASS_SCRIPT = fileURLToPath(new URL('./interop/offline_pass.py', import.meta.url));
  const now = issuedAt * 1000 + 15_000;
  const phone = generateKeyPairSync('ed25519');
  const phoneKey = bytesToBase64Url(rawPublicKey(phone.publicKey));
  const phoneSeed = Buffer.from(phone.privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('hex');
  const pass = signOfflinePass(key, { subject: 'q7Yv3xk2TmC9bR4sLw0pZg', issuedAt, expiresAt: issuedAt + 43_200, decidedAt: issuedAt - 60, colour: 'green', mark: null, maskedName: '李*英', deviceKey: phoneKey });
  const step = timeStep(now);
  const presentation = presentationText(pass, step, new Uint8Array(sign(null, presentationSigningBytes(pass, step), phone.privateKey)));
  const trustList: TrustList = { version: 1, generatedAt: issuedAt, keys: [{ kid: key.kid, issuer: 'CN-330110', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: issuedAt - 60, validUntil: null }] };

  it('verifies our presentation with Python cbor2 and cryptography, reading the same claims and phone key', () => {
    const result = spawnSync(PYTHON, [PASS_SCRIPT, 'verify', bytesToBase64Url(key.publicKey), String(now / 1000)], { input: presentation, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { iss: 'CN-330110', sub: 'q7Yv3xk2TmC9bR4sLw0pZg', exp: issuedAt + 43_200, iat: issuedAt, hc: { c: 'green', d: issuedAt - 60, n: '李*英' }, phone: phoneKey, step });
  });

  it('refuses in Python too a presentation two minutes old', () => {
    const result = spawnSync(PYTHON, [PASS_SCRIPT, 'verify', bytesToBase64Url(key.publicKey), String(now / 1000 + 120)], { input: presentation, encoding: 'utf8' });
    assert.notEqual(result.status, 0);
  });

  it('admits a presentation Python made for the phone, byte for byte what the phone signs', async () => {
    const made = spawnSync(PYTHON, [PASS_SCRIPT, 'present', phoneSeed, String(step)], { input: bytesToBase64Url(pass), encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.stdout.trim(), presentation);
    const result = await verifyPresentation(made.stdout, trustList, nodeVerify(), now);
    assert.ok(result.valid);
  });

  it('renders a presentation as a QR image that zbarimg decodes back to the same text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-qr-'));
    try {
      const file = join(dir, 'presentation.png');
      writeFileSync(file, (await renderQr(presentation, 'png')) as Buffer);
      const result = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), presentation);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
