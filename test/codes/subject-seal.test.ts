import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SubjectSeal } from '../../src/codes/subject-seal.js';

/** The seal as first written: a nonce drawn for it alone, the parts joined. */
function obviousSeal(key: Buffer, residentId: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(Buffer.from(residentId.replace(/-/g, ''), 'hex')), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

describe('SubjectSeal', () => {
  const key = randomBytes(32);

  it('seals as the obvious seal does under the same nonce, and opens to the resident (differential)', () => {
    const seal = new SubjectSeal(key);
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const sealed = seal.seal(id);
        const iv = Buffer.from(sealed, 'base64url').subarray(0, 12);
        assert.equal(sealed, obviousSeal(key, id, iv));
        assert.equal(seal.open(sealed), id);
      }),
      { numRuns: 1000 },
    );
  });

  it('never uses a nonce twice, across many draws of them', () => {
    const seal = new SubjectSeal(key);
    const id = '0b6f2f44-3c55-4f0e-9a43-6c2a3d6b1f20';
    const nonces = new Set(Array.from({ length: 3000 }, () => Buffer.from(seal.seal(id), 'base64url').subarray(0, 12).toString('hex')));
    assert.equal(nonces.size, 3000);
  });

  it('opens nothing sealed under another key, nor text that is not a seal', () => {
    const sealed = new SubjectSeal(randomBytes(32)).seal('0b6f2f44-3c55-4f0e-9a43-6c2a3d6b1f20');
    assert.equal(new SubjectSeal(key).open(sealed), undefined);
    assert.equal(new SubjectSeal(key).open('not a seal'), undefined);
  });
});
