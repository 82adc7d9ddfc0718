import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { freshIv, open, seal } from '../../src/privacy/aead.js';

/** IVs are cut from blocks drawn from the system's generator: each must still be used once only. */
describe('AES-GCM sealing', () => {
  it('never hands out the same IV twice, across many blocks', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(freshIv().toString('hex'));
    assert.equal(seen.size, 5000);
  });

  it('leaves a sealed value as it was when later seals draw new blocks', () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from('张伟'), 'resident:r1:name');
    const copy = Buffer.from(sealed);
    for (let i = 0; i < 1000; i++) seal(key, Buffer.from('x'), 'other');
    assert.deepEqual(sealed, copy);
    assert.equal(open(key, sealed, 'resident:r1:name').toString(), '张伟');
  });

  it('gives two seals of one value different IVs and ciphertexts', () => {
    const key = randomBytes(32);
    const [a, b] = [seal(key, Buffer.from('same'), 'c'), seal(key, Buffer.from('same'), 'c')];
    assert.notDeepEqual(a.subarray(0, 12), b.subarray(0, 12));
    assert.notDeepEqual(a, b);
  });
});
