import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Base45Error, decodeBase45, encodeBase45 } from '../../src/codes/base45.js';

const text = (s: string) => new TextEncoder().encode(s);

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
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeBase45(encodeBase45(all)), all);
  });
});
