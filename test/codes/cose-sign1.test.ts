import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { Encoder } from 'cbor-x';
import { encodeBase45 } from '../../src/codes/base45.js';
import { decodeBase45 } from '../../src/codes/base45.js';
import { decodeProtectedHeader, decodeSign1, encodeSign1, signatureInput } from '../../src/codes/cose-sign1.js';
import { DOCUMENT_TYPES, DocumentError, verifyDocument } from '../../src/codes/signed-document.js';
import { generateSigningKey, nodeVerify, signToken } from '../../src/codes/token-signer.js';
import { TokenVerifier } from '../../src/codes/token-verifier.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';

/**
 * RFC 9052 §3: a verifier rejects a protected header with a label given twice, and one whose `crit`
 * names a parameter it does not understand. The headers here are built by hand, entry by entry with
 * cbor-x, since no encoder writes a map with a key twice; each message is then signed rightly, so
 * only the header's shape can refuse it.
 */

const cbor = new Encoder({ mapsAsObjects: false, useRecords: false, variableMapSize: true, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);
const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const key = generateSigningKey('CN-420000');
const kid = new Uint8Array(Buffer.from(key.kid, 'base64url'));

/** A CBOR map written entry by entry: duplicates stay. */
function handMap(entries: [unknown, unknown][]): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xa0 | entries.length]), ...entries.flatMap(([k, v]) => [Buffer.from(cbor.encode(k)), Buffer.from(cbor.encode(v))])]));
}

function signedWith(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const signature = new Uint8Array(sign(null, signatureInput(protectedBytes, payload), key.privateKey));
  return encodeSign1({ protectedBytes, unprotected: new Map(), payload, signature });
}

const tokenPayload = decodeSign1(decodeBase45(signToken(key, { subject: 's', issuedAt: NOW / 1000, notBefore: NOW / 1000, expiresAt: NOW / 1000 + 300, colour: 'green', mark: null, maskedName: '陈*' }).slice(5))).payload;
const verifier = new TokenVerifier(
  { version: 1, generatedAt: NOW / 1000, keys: [{ kid: key.kid, issuer: 'CN-420000', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: NOW / 1000 - 60, validUntil: null }] },
  nodeVerify(),
);
const tokenWith = (entries: [unknown, unknown][]) => `JKM1:${encodeBase45(signedWith(handMap(entries), tokenPayload))}`;
const reasonOf = async (text: string) => {
  const result = await verifier.verify(text, NOW);
  return result.valid ? 'valid' : `${result.reason}: ${result.detail}`;
};

describe('a protected header as RFC 9052 asks a verifier to read it', () => {
  it('takes a code whose header is well-formed (the hand-built control)', async () => {
    assert.equal(await reasonOf(tokenWith([[1, -8], [4, kid]])), 'valid');
  });

  it('refuses a code whose header gives the key id or the algorithm twice', async () => {
    assert.match(await reasonOf(tokenWith([[1, -8], [4, kid], [4, kid]])), /^malformed-cbor: .*label twice/);
    assert.match(await reasonOf(tokenWith([[1, -7], [4, kid], [1, -8]])), /^malformed-cbor: .*label twice/);
  });

  it('refuses a code whose header gives the key id twice, once as an eight-byte integer label', async () => {
    const eightByteFour = Buffer.from('1b0000000000000004', 'hex');
    const header = new Uint8Array(Buffer.concat([Buffer.from([0xa3]), Buffer.from(cbor.encode(1)), Buffer.from(cbor.encode(-8)), Buffer.from(cbor.encode(4)), Buffer.from(cbor.encode(kid)), eightByteFour, Buffer.from(cbor.encode(kid))]));
    const token = `JKM1:${encodeBase45(signedWith(header, tokenPayload))}`;
    assert.match(await reasonOf(token), /^malformed-cbor: .*neither a small integer nor text/);
  });

  it('refuses a code whose crit names a parameter the verifier does not understand', async () => {
    assert.match(await reasonOf(tokenWith([[1, -8], [2, [99]], [4, kid], [99, 'must be understood']])), /^malformed-cbor: crit names 99/);
  });

  it('refuses a trust list whose typ, given twice, would make it a travel card', async () => {
    const payload = new TextEncoder().encode(JSON.stringify({ version: 1 }));
    const document = signedWith(
      handMap([
        [1, -8],
        [3, 'application/json'],
        [4, kid],
        [16, DOCUMENT_TYPES.memberTrustList],
        [16, DOCUMENT_TYPES.travelCard],
      ]),
      payload,
    );
    await assert.rejects(verifyDocument(document, DOCUMENT_TYPES.travelCard, () => key.publicKey, nodeVerify()), (error: unknown) => error instanceof DocumentError && error.reason === 'malformed' && /label twice/.test(error.message));
    await assert.rejects(verifyDocument(document, DOCUMENT_TYPES.memberTrustList, () => key.publicKey, nodeVerify()), /label twice/);
  });

  it('refuses a document whose crit names an unknown parameter, or a parameter it does not carry', async () => {
    const payload = new TextEncoder().encode('{}');
    for (const crit of [[77], [5]]) {
      const document = signedWith(handMap([[1, -8], [2, crit], [4, kid], [16, DOCUMENT_TYPES.travelCard], [77, true]]), payload);
      await assert.rejects(verifyDocument(document, DOCUMENT_TYPES.travelCard, () => key.publicKey, nodeVerify()), /crit names/);
    }
  });

  it('reads a header with a crit that names only what it understands and carries', () => {
    assert.equal(decodeProtectedHeader(handMap([[1, -8], [2, [16]], [16, DOCUMENT_TYPES.travelCard]])).get(16), DOCUMENT_TYPES.travelCard);
  });
});
