import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeBase45, encodeBase45 } from '../../src/codes/base45.js';
import { decodeCbor, encodeCbor } from '../../src/codes/cose-sign1.js';
import {
  MAX_OFFLINE_PASS_SECONDS,
  PRESENTATION_PREFIX,
  PRESENTATION_STEP_SECONDS,
  presentationSigningBytes,
  presentationText,
  timeStep,
  verifyPresentation,
  type OfflinePassClaims,
} from '../../src/codes/offline-pass.js';
import { generateSigningKey, nodeVerify, rawPublicKey, signOfflinePass, signToken } from '../../src/codes/token-signer.js';
import { webCryptoVerify } from '../../src/codes/token-verifier.js';
import { bytesToBase64Url, type TrustList } from '../../src/codes/trust-list.js';
import { reencoded } from '../support/cbor-variants.js';

const NOW = Date.parse('2026-11-20T10:00:10+08:00');
const iat = Math.floor(NOW / 1000);
const operator = generateSigningKey('CN-330110');
const trustList: TrustList = {
  version: 1,
  generatedAt: iat,
  keys: [{ kid: operator.kid, issuer: 'CN-330110', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(operator.publicKey), validFrom: iat - 3600, validUntil: null }],
};

/** A phone: its key pair, as WebCrypto would make it. */
function phone() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: bytesToBase64Url(rawPublicKey(publicKey)) };
}
const mine = phone();
const claims: Omit<OfflinePassClaims, 'issuer'> = {
  subject: 'q7Yv3xk2TmC9bR4sLw0pZg',
  issuedAt: iat,
  expiresAt: iat + 12 * 3600,
  decidedAt: iat - 600,
  colour: 'green',
  mark: 'gold',
  maskedName: '张*明',
  deviceKey: mine.publicKey,
};
const pass = signOfflinePass(operator, claims);

/** What the phone shows at `at`: the pass and its signature over that instant's time step. */
const present = (at: number, by = mine, passBytes = pass) => {
  const step = timeStep(at);
  return presentationText(passBytes, step, new Uint8Array(sign(null, presentationSigningBytes(passBytes, step), by.privateKey)));
};
const verdict = async (text: string, at = NOW) => {
  const result = await verifyPresentation(text, trustList, nodeVerify(), at);
  return result.valid ? 'valid' : result.reason;
};

describe('offline pass presentation', () => {
  it('is admitted in the time step it was made, with the claims the operator signed', async () => {
    const result = await verifyPresentation(present(NOW), trustList, nodeVerify(), NOW);
    assert.ok(result.valid);
    assert.deepEqual(result.claims, { issuer: 'CN-330110', ...claims });
    assert.equal(result.kid, operator.kid);
  });

  it('gives the same verdict with WebCrypto, as the scanner verifies', async () => {
    const result = await verifyPresentation(present(NOW), trustList, webCryptoVerify(), NOW);
    assert.ok(result.valid);
  });

  it('is admitted by a checkpoint whose clock is one time step ahead or behind the phone', async () => {
    const step = PRESENTATION_STEP_SECONDS * 1000;
    assert.equal(await verdict(present(NOW), NOW + step), 'valid');
    assert.equal(await verdict(present(NOW), NOW - step), 'valid');
  });

  it('refuses a screenshot of it shown two minutes later', async () => {
    assert.equal(await verdict(present(NOW), NOW + 120_000), 'stale-presentation');
  });

  it('refuses a presentation two time steps ahead of the checkpoint (a phone clock set forward to make codes for later)', async () => {
    assert.equal(await verdict(present(NOW + 2 * PRESENTATION_STEP_SECONDS * 1000), NOW), 'stale-presentation');
  });

  it('refuses the pass signed by another phone: a copied pass is useless without its phone', async () => {
    assert.equal(await verdict(present(NOW, phone())), 'device-signature');
  });

  it('refuses a presentation whose time step was changed after the phone signed it', async () => {
    const [passBytes, , signature] = decodeCbor(decodeBase45(present(NOW - 120_000).slice(PRESENTATION_PREFIX.length))) as [Uint8Array, number, Uint8Array];
    const forged = PRESENTATION_PREFIX + encodeBase45(encodeCbor([passBytes, timeStep(NOW), signature]));
    assert.equal(await verdict(forged), 'device-signature');
  });

  it('is admitted until the pass expires and refused from then on (after the clock skew codes are allowed)', async () => {
    const expiry = claims.expiresAt * 1000 + 60_000;
    assert.equal(await verdict(present(expiry - 1000), expiry - 1000), 'valid');
    assert.equal(await verdict(present(expiry), expiry), 'expired');
  });

  it('refuses a pass whose claims were changed after the operator signed it (a red pass made green)', async () => {
    const red = signOfflinePass(operator, { ...claims, colour: 'red' });
    const greened = Buffer.from(red);
    const at = greened.indexOf(Buffer.from('red'));
    greened.write('grn', at);
    assert.equal(await verdict(present(NOW, mine, new Uint8Array(greened))), 'bad-signature');
  });

  it('refuses a pass signed by a key outside the trust list', async () => {
    const stranger = signOfflinePass(generateSigningKey('CN-330110'), claims);
    assert.equal(await verdict(present(NOW, mine, stranger)), 'unknown-key');
  });

  it('refuses a pass that would live longer than the longest any operator issues', async () => {
    const long = signOfflinePass(operator, { ...claims, expiresAt: iat + MAX_OFFLINE_PASS_SECONDS + 1 });
    assert.equal(await verdict(present(NOW, mine, long)), 'malformed-claims');
  });

  it('refuses a pass saying its colour was decided after it was issued', async () => {
    const later = signOfflinePass(operator, { ...claims, decidedAt: iat + 3600 });
    assert.equal(await verdict(present(NOW, mine, later)), 'malformed-claims');
  });

  it("refuses a code's signed bytes presented as a pass: a code binds no phone", async () => {
    const code = signToken(operator, { subject: claims.subject, issuedAt: iat, notBefore: iat, expiresAt: iat + 300, colour: 'green', mark: null, maskedName: '张*明' });
    assert.equal(await verdict(present(NOW, mine, decodeBase45(code.slice(5)))), 'malformed-cbor');
  });

  it('refuses a code shown where a presentation is expected, by its prefix', async () => {
    const code = signToken(operator, { subject: claims.subject, issuedAt: iat, notBefore: iat, expiresAt: iat + 300, colour: 'green', mark: null, maskedName: '张*明' });
    assert.equal(await verdict(code), 'wrong-prefix');
  });

  it('refuses text that is not base45, and base45 that is not a presentation', async () => {
    assert.equal(await verdict(`${PRESENTATION_PREFIX}abc`), 'malformed-base45');
    assert.equal(await verdict(PRESENTATION_PREFIX + encodeBase45(encodeCbor([pass, 1]))), 'malformed-cbor');
  });

  it('refuses a pass bound to a small-order key, on which a forged signature (R the identity, S zero) would verify for any step', async () => {
    for (const key of ['0100000000000000000000000000000000000000000000000000000000000000', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f']) {
      const weak = signOfflinePass(operator, { ...claims, deviceKey: bytesToBase64Url(new Uint8Array(Buffer.from(key, 'hex'))) });
      const forged = new Uint8Array(64);
      forged[0] = 1;
      for (const at of [NOW, NOW + PRESENTATION_STEP_SECONDS * 1000]) {
        const result = await verifyPresentation(presentationText(weak, timeStep(at), forged), trustList, nodeVerify(), at);
        assert.deepEqual(result.valid ? 'valid' : [result.reason, /public key/.test(result.detail)], ['malformed-claims', true], key);
      }
    }
  });

  it('refuses a presentation whose CBOR was written again in another encoding (an indefinite array, a length in more bytes than needed) as malformed-cbor', async () => {
    const shown = present(NOW);
    assert.equal(await verdict(reencoded(shown, PRESENTATION_PREFIX, 'indefinite')), 'malformed-cbor');
    assert.equal(await verdict(reencoded(shown, PRESENTATION_PREFIX, 'long-length')), 'malformed-cbor');
  });
});
