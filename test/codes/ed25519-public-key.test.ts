import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { weakEd25519Key } from '../../src/codes/ed25519-public-key.js';
import { rawPublicKey } from '../../src/codes/token-signer.js';
import { NON_CANONICAL_KEYS, SMALL_ORDER_KEYS } from '../support/weak-keys.js';

const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('an Ed25519 public key a pass may bind', () => {
  it('is refused when it is any of the eight small-order points', () => {
    for (const key of SMALL_ORDER_KEYS) assert.match(weakEd25519Key(hex(key)) ?? 'accepted', /small order/, key);
  });

  it('is refused when the identity or its negation carries the sign bit (x = 0 "negative")', () => {
    for (const key of ['0100000000000000000000000000000000000000000000000000000000000080', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff']) assert.match(weakEd25519Key(hex(key)) ?? 'accepted', /small order/, key);
  });

  it('is refused when y is not below 2^255 - 19', () => {
    for (const key of NON_CANONICAL_KEYS) assert.match(weakEd25519Key(hex(key)) ?? 'accepted', /canonical/, key);
  });

  it('is refused when it is not 32 bytes', () => {
    assert.equal(weakEd25519Key(new Uint8Array(31)), 'must be 32 bytes');
  });

  it('is taken when a phone generated it', () => {
    for (let i = 0; i < 20; i += 1) assert.equal(weakEd25519Key(rawPublicKey(generateKeyPairSync('ed25519').publicKey)), null);
  });
});
