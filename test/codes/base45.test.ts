import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Base45Error, decodeBase45, encodeBase45 } from '../../src/codes/base45.js';

const text = (s: string) => new TextEncoder().encode(s);

/** RFC 9285 as written: the obvious encoder the fast one replaced, character by character. */
function obviousBase45(bytes: Uint8Array): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    out += alphabet[n % 45]! + alphabet[Math.floor(n / 45) % 45]! + alphabet[Math.floor(n / 2025)]!;
  }
  if (bytes.length % 2 === 1) out += alphabet[bytes[bytes.length - 1]! % 45]! + alphabet[Math.floor(bytes[bytes.length - 1]! / 45)]!;
  return out;
}

describe('base45 (RFC 9285)', () => {
  it('encodes the RFC examples', () => {
    assert.equal(encodeBase45(text('AB')), 'BB8');
    assert.equal(encodeBase45(text('Hello!!')), '%69 VD92EX0');
    assert.equal(encodeBase45(text('base-45')), 'UJCLQE7W581');
  });
  it('decodes the RFC example', () => {
    assert.equal(new TextDecoder().decode(decodeBase45('QED8WEX0')), 'ietf!');
  });
  it('rejects a triple above 65535, as the RFC requires', () => {
    assert.throws(() => decodeBase45('GGW'), Base45Error);
  });
  it('rejects characters outside the alphabet and impossible lengths', () => {
    assert.throws(() => decodeBase45('qed'), Base45Error);
    assert.throws(() => decodeBase45('QED8'), Base45Error);
  });
  it('encodes any bytes as the obvious encoder does (differential)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        assert.equal(encodeBase45(bytes), obviousBase45(bytes));
      }),
      { numRuns: 2000 },
    );
  });
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeBase45(encodeBase45(all)), all);
  });
});
