import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signOfflinePass, signToken, generateSigningKey } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import { reencoded } from '../support/cbor-variants.js';
import { newPhone } from '../support/phone-key.js';

// Loaded by computed name: web/ modules are compiled with web/'s DOM settings (npm run typecheck), not the server's.
const seenModule = '../../web/src/scanner/seen-codes.js';
const { SeenCodes } = (await import(seenModule)) as { SeenCodes: new () => { note(text: string, now: number): { seenAt?: string } } };

const NOW = Date.parse('2026-11-20T10:00:10+08:00');
const iat = Math.floor(NOW / 1000);
const yuhang = generateSigningKey('CN-330110');
const phone = newPhone();
const pass = bytesToBase64Url(
  signOfflinePass(yuhang, { subject: 'q7Yv3xk2TmC9bR4sLw0pZg', issuedAt: iat, expiresAt: iat + 12 * 3600, decidedAt: iat, colour: 'green', mark: null, maskedName: '张*明', deviceKey: phone.publicKey }),
);
const code = signToken(yuhang, { subject: 'Hc2rT8pXv1LwQm0sZk9yAb', issuedAt: iat, notBefore: iat, expiresAt: iat + 300, colour: 'green', mark: null, maskedName: '张*明' });

describe('the scanner noting codes it has seen', () => {
  it('flags an offline code replayed within its minute as seen before, with when it was first read', () => {
    const seen = new SeenCodes();
    const shown = phone.present(pass, NOW);
    assert.deepEqual(seen.note(shown, NOW), {});
    assert.deepEqual(seen.note(shown, NOW + 20_000), { seenAt: new Date(NOW).toISOString() });
  });

  it('does not flag the same phone presenting its pass at the next time step, a new presentation', () => {
    const seen = new SeenCodes();
    seen.note(phone.present(pass, NOW), NOW);
    assert.deepEqual(seen.note(phone.present(pass, NOW + 30_000), NOW + 30_000), {});
  });

  it('flags a five-minute code read again, and forgets it an hour later', () => {
    const seen = new SeenCodes();
    seen.note(code, NOW);
    assert.deepEqual(seen.note(` ${code}\n`, NOW + 60_000), { seenAt: new Date(NOW).toISOString() });
    assert.deepEqual(seen.note(code, NOW + 60_000 + 3_600_001), {});
  });

  it('flags a code read again after its QR was re-encoded (indefinite array, long length, COSE tag removed), by its signature', () => {
    for (const how of ['indefinite', 'long-length', 'untagged'] as const) {
      const seen = new SeenCodes();
      seen.note(code, NOW);
      assert.deepEqual(seen.note(reencoded(code, 'JKM1:', how), NOW + 5_000), { seenAt: new Date(NOW).toISOString() }, how);
    }
  });

  it('flags an offline code replayed with its QR re-encoded (indefinite array, long length, a COSE tag added), by its phone signature', () => {
    const shown = phone.present(pass, NOW);
    for (const how of ['indefinite', 'long-length', 'tagged'] as const) {
      const seen = new SeenCodes();
      seen.note(shown, NOW);
      assert.deepEqual(seen.note(reencoded(shown, 'JKO1:', how), NOW + 5_000), { seenAt: new Date(NOW).toISOString() }, how);
    }
  });
});
