import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeSignature } from '../../src/codes/code-signature.js';
import { generateSigningKey, signOfflinePass, signToken } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import { reencoded } from '../support/cbor-variants.js';
import { newPhone } from '../support/phone-key.js';

const NOW = Date.parse('2026-11-20T10:00:10+08:00');
const iat = Math.floor(NOW / 1000);
const yuhang = generateSigningKey('CN-330110');
const code = signToken(yuhang, { subject: 'Hc2rT8pXv1LwQm0sZk9yAb', issuedAt: iat, notBefore: iat, expiresAt: iat + 300, colour: 'green', mark: null, maskedName: '张*明' });
const phone = newPhone();
const pass = bytesToBase64Url(
  signOfflinePass(yuhang, { subject: 'q7Yv3xk2TmC9bR4sLw0pZg', issuedAt: iat, expiresAt: iat + 12 * 3600, decidedAt: iat, colour: 'green', mark: null, maskedName: '张*明', deviceKey: phone.publicKey }),
);

describe('the signature naming a shown code', () => {
  it('is the same for a code however its CBOR is re-encoded or tagged', () => {
    for (const how of ['indefinite', 'long-length', 'untagged'] as const) assert.equal(codeSignature(reencoded(code, 'JKM1:', how)), codeSignature(code), how);
  });

  it('differs between two codes of one resident signed a second apart', () => {
    const next = signToken(yuhang, { subject: 'Hc2rT8pXv1LwQm0sZk9yAb', issuedAt: iat + 1, notBefore: iat + 1, expiresAt: iat + 301, colour: 'green', mark: null, maskedName: '张*明' });
    assert.notEqual(codeSignature(next), codeSignature(code));
  });

  it("is the phone's signature for a presentation, the same re-encoded, and another at the next time step", () => {
    const shown = phone.present(pass, NOW);
    assert.equal(codeSignature(reencoded(shown, 'JKO1:', 'indefinite')), codeSignature(shown));
    assert.notEqual(codeSignature(phone.present(pass, NOW + 30_000)), codeSignature(shown));
  });

  it('is the trimmed text for text that does not open as a code', () => {
    assert.equal(codeSignature('  JKM1:NOT-BASE45!\n'), 'JKM1:NOT-BASE45!');
  });
});
