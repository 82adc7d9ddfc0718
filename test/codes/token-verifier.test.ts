import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBase45 } from '../../src/codes/base45.js';
import { decodeSign1, encodeCbor, encodeSign1 } from '../../src/codes/cose-sign1.js';
import { generateSigningKey, nodeVerify, signOfflinePass, signToken } from '../../src/codes/token-signer.js';
import { TokenVerifier, webCryptoVerify, CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME_SECONDS } from '../../src/codes/token-verifier.js';
import { bytesToBase64Url, type TrustList } from '../../src/codes/trust-list.js';
import { decodeBase45 } from '../../src/codes/base45.js';
import { reencoded } from '../support/cbor-variants.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const iat = NOW / 1000;
const key = generateSigningKey('CN-330110');
const trustList: TrustList = {
  version: 1,
  generatedAt: iat,
  keys: [{ kid: key.kid, issuer: 'CN-330110', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: iat - 3600, validUntil: null }],
};
const claims = { subject: 'sub-1', issuedAt: iat, notBefore: iat, expiresAt: iat + 300, colour: 'red' as const, mark: null, maskedName: '张*三' };
const token = signToken(key, claims);
const verifier = new TokenVerifier(trustList, nodeVerify());

const reasonOf = async (text: string, at = NOW) => {
  const result = await verifier.verify(text, at);
  return result.valid ? 'valid' : result.reason;
};

/** Re-frames a token's COSE message after `change` edits its parts (not re-signed). */
function reframe(change: (parts: ReturnType<typeof decodeSign1>) => void): string {
  const parts = decodeSign1(decodeBase45(token.slice(5)));
  change(parts);
  return `JKM1:${encodeBase45(encodeSign1(parts))}`;
}

describe('token verification', () => {
  it('accepts a fresh token and reads its claims', async () => {
    const result = await verifier.verify(token, NOW);
    assert.ok(result.valid);
    assert.deepEqual(result.claims, { issuer: 'CN-330110', ...claims });
  });
  it('gives the same answer with WebCrypto, as the browser uses', async () => {
    const result = await new TokenVerifier(trustList, webCryptoVerify()).verify(token, NOW);
    assert.equal(result.valid, true);
  });
  it('uses the QR alphanumeric alphabet only', () => {
    assert.match(token, /^[0-9A-Z $%*+\-./:]+$/);
  });
  it('rejects a wrong prefix', async () => {
    assert.equal(await reasonOf(`HC1:${token.slice(5)}`), 'wrong-prefix');
  });
  it('rejects text that is not base45', async () => {
    assert.equal(await reasonOf('JKM1:abc'), 'malformed-base45');
    assert.equal(await reasonOf('JKM1:::::'), 'malformed-base45');
  });
  it('rejects base45 that is not a COSE message', async () => {
    assert.equal(await reasonOf(`JKM1:${encodeBase45(new Uint8Array([0xff, 0x00, 0x13]))}`), 'malformed-cbor');
    assert.equal(await reasonOf(`JKM1:${encodeBase45(encodeCbor([1, 2, 3]))}`), 'malformed-cbor');
  });
  it('rejects another algorithm', async () => {
    const es256 = reframe((p) => {
      p.protectedBytes = encodeCbor(new Map<number, unknown>([[1, -7], [4, new Uint8Array(Buffer.from(key.kid, 'base64url'))]]));
    });
    assert.equal(await reasonOf(es256), 'wrong-algorithm');
  });
  it("rejects another region's token signed with a key not in the trust list", async () => {
    const stranger = generateSigningKey('CN-420106');
    assert.equal(await reasonOf(signToken(stranger, claims)), 'unknown-key');
  });
  it('rejects a changed payload as a bad signature', async () => {
    const forged = reframe((p) => {
      p.payload = encodeCbor(new Map<number | string, unknown>([[1, 'CN-330110'], [2, 'sub-1'], [4, iat + 300], [6, iat], ['hc', new Map([['c', 'green'], ['n', '张*三']])]]));
    });
    assert.equal(await reasonOf(forged), 'bad-signature');
  });
  it(`accepts up to ${CLOCK_SKEW_SECONDS} s past expiry, and rejects later`, async () => {
    assert.equal(await reasonOf(token, NOW + (300 + CLOCK_SKEW_SECONDS - 1) * 1000), 'valid');
    assert.equal(await reasonOf(token, NOW + (300 + CLOCK_SKEW_SECONDS) * 1000), 'expired');
  });
  it('rejects a token from the future beyond the skew allowance', async () => {
    assert.equal(await reasonOf(token, NOW - (CLOCK_SKEW_SECONDS + 1) * 1000), 'not-yet-valid');
  });
  it('rejects a code its own trusted key signed to live longer than an hour, inside its window', async () => {
    const longLived = signToken(key, { ...claims, expiresAt: iat + MAX_TOKEN_LIFETIME_SECONDS + 1 });
    assert.equal(await reasonOf(longLived, NOW + 60_000), 'malformed-claims');
    assert.equal(await reasonOf(signToken(key, { ...claims, expiresAt: iat + MAX_TOKEN_LIFETIME_SECONDS }), NOW + 60_000), 'valid');
  });
  it('rejects a token issued after its key was retired', async () => {
    const retired = new TokenVerifier({ ...trustList, keys: [{ ...trustList.keys[0]!, validUntil: iat - 10 }] }, nodeVerify());
    const result = await retired.verify(token, NOW);
    assert.equal(result.valid ? 'valid' : result.reason, 'unknown-key');
  });
  it("refuses an offline pass shown as a code, however short its life: it is valid only with its phone's signature", async () => {
    const pass = signOfflinePass(key, { subject: 'sub-1', issuedAt: iat, expiresAt: iat + 300, decidedAt: iat, colour: 'green', mark: null, maskedName: '张*三', deviceKey: bytesToBase64Url(new Uint8Array(32).fill(7)) });
    assert.equal(await reasonOf(`JKM1:${encodeBase45(pass)}`), 'malformed-claims');
  });

  it('refuses a code whose CBOR was written again in another encoding (an indefinite array, a length in more bytes than needed) as malformed-cbor', async () => {
    assert.equal(await reasonOf(reencoded(token, 'JKM1:', 'indefinite')), 'malformed-cbor');
    assert.equal(await reasonOf(reencoded(token, 'JKM1:', 'long-length')), 'malformed-cbor');
  });
});
