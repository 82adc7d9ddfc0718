import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeDeterministicCbor, encodeCbor, encodeSign1, signatureInput } from '../../src/codes/cose-sign1.js';
import { COLOURS, MARKS } from '../../src/codes/token-format.js';
import { encodeTokenPayload, fastSign1, fastSignatureInput, tokenPayloadMap } from '../../src/codes/token-cbor.js';

/**
 * The fixed-shape writers against cbor-x, the obvious encoder they replaced on the code view's path:
 * byte for byte, on random claims (text of every kind, times across every head width) and random
 * headers, payloads and signatures.
 */

const time = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 0x1_0000_0000 }), fc.constantFrom(0, 23, 24, 255, 256, 65_535, 65_536, 0xffffffff, 1_800_000_000), fc.double(), fc.integer({ min: -1000, max: -1 }), fc.constant(2 ** 40));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('', '张*', '居****9', 'x'.repeat(23), 'x'.repeat(24), '字'.repeat(90), 'y'.repeat(300)));
const claims = fc.record({
  subject: text,
  issuedAt: time,
  notBefore: time,
  expiresAt: time,
  colour: fc.oneof(fc.constantFrom(...COLOURS), text),
  mark: fc.oneof(fc.constant(null), fc.constantFrom(...MARKS), text),
  maskedName: text,
});

const sameBytes = (actual: Uint8Array, expected: Uint8Array) => assert.deepEqual(Buffer.from(actual).toString('hex'), Buffer.from(expected).toString('hex'));

describe('fixed-shape CBOR of a code (token-cbor)', () => {
  it('writes the claims as cbor-x writes their map', () => {
    fc.assert(
      fc.property(text, claims, (issuer, c) => {
        sameBytes(encodeTokenPayload(issuer, c as never), encodeCbor(tokenPayloadMap(issuer, c as never)));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers Buffers, as cbor-x does', () => {
    const payload = encodeTokenPayload('CN-330100', { subject: 'abc', issuedAt: 1, notBefore: 1, expiresAt: 2, colour: 'green', mark: null, maskedName: '张*' });
    assert.equal(Buffer.isBuffer(encodeCbor(tokenPayloadMap('CN-330100', { subject: 'abc', issuedAt: 1, notBefore: 1, expiresAt: 2, colour: 'green', mark: null, maskedName: '张*' }))), true);
    assert.equal(Buffer.isBuffer(payload), true);
    assert.equal(Buffer.isBuffer(fastSignatureInput(payload, payload)), true);
    assert.equal(Buffer.isBuffer(fastSign1(payload, payload, payload)), true);
  });

  it('writes deterministic CBOR a verifier reads back as the claims', () => {
    const payload = encodeTokenPayload('CN-330100', { subject: 'abc', issuedAt: 1_800_000_000, notBefore: 1_800_000_000, expiresAt: 1_800_000_300, colour: 'yellow', mark: null, maskedName: '张*' });
    const value = decodeDeterministicCbor(payload) as Map<unknown, unknown>;
    assert.equal(value.get(1), 'CN-330100');
    assert.equal(value.get(4), 1_800_000_300);
    assert.deepEqual([...(value.get('hc') as Map<string, string>)], [
      ['c', 'yellow'],
      ['n', '张*'],
    ]);
  });

  it('writes the Sig_structure and COSE_Sign1 as cose-sign1 does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 70_000 }), fc.uint8Array({ minLength: 0, maxLength: 100 }), (protectedBytes, payload, signature) => {
        sameBytes(fastSignatureInput(protectedBytes, payload), signatureInput(protectedBytes, payload));
        sameBytes(fastSign1(protectedBytes, payload, signature), encodeSign1({ protectedBytes, unprotected: new Map(), payload, signature }));
      }),
      { numRuns: 300 },
    );
  });
});
