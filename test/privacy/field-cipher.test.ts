import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { deriveSubkey, FieldCipher } from '../../src/privacy/field-cipher.js';
import { MemoryRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';

/** The obvious AES-256-GCM seal under the key's bytes, with a given IV: what FieldCipher's must equal byte for byte. */
function sealedByHand(key: Buffer, iv: Buffer, plaintext: string, aad: string): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final(), cipher.getAuthTag()]);
}

const REGIONS = ['330110', '330106', '420106'];
const field = fc.record({ plaintext: fc.string({ unit: 'grapheme', maxLength: 60 }), id: fc.uuid(), column: fc.constantFrom('name', 'identity', 'phone', 'address') });

/**
 * Keys are held as KeyObjects made once (the master's subkey, each district's key), not imported at
 * each seal: what is sealed must be the very bytes the key's own bytes give.
 */
describe('field sealing under keys made once', () => {
  it("seals under a district's key exactly as its key's bytes do, and opens what they seal", () => {
    const master = randomBytes(32);
    const regionKeys = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
    const cipher = new FieldCipher(master, regionKeys);
    fc.assert(
      fc.property(field, fc.constantFrom(...REGIONS), ({ plaintext, id, column }, region) => {
        const context = `resident:${id}:${column}`;
        const sealed = cipher.encryptIn(region, plaintext, context);
        const [version, inRegion, payload] = sealed.split('.');
        assert.deepEqual([version, inRegion], ['v2', region]);
        const bytes = Buffer.from(payload!, 'base64');
        const key = regionKeys.existing(region)!.key;
        assert.deepEqual(bytes, sealedByHand(key, bytes.subarray(0, 12), plaintext, `${context}\u0000${region}`));
        const byHand = sealedByHand(key, randomBytes(12), plaintext, `${context}\u0000${region}`).toString('base64');
        assert.equal(cipher.decrypt(`v2.${region}.${byHand}`, context), plaintext);
      }),
    );
  });

  it("seals under the master key's field subkey exactly as its bytes do", () => {
    const master = randomBytes(32);
    const cipher = new FieldCipher(master);
    const key = deriveSubkey(master, 'field encryption');
    fc.assert(
      fc.property(field, ({ plaintext, id, column }) => {
        const context = `resident:${id}:${column}`;
        const bytes = Buffer.from(cipher.encrypt(plaintext, context).slice('v1.'.length), 'base64');
        assert.deepEqual(bytes, sealedByHand(key, bytes.subarray(0, 12), plaintext, context));
        assert.equal(cipher.decrypt(`v1.${sealedByHand(key, randomBytes(12), plaintext, context).toString('base64')}`, context), plaintext);
      }),
    );
  });

  it("seals under a district's new key, not the one it had, once the old one was destroyed", () => {
    const master = randomBytes(32);
    const regionKeys = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
    const cipher = new FieldCipher(master, regionKeys);
    const before = cipher.encryptIn('330110', '张伟', 'resident:r1:name');
    regionKeys.destroyOne('330110');
    const after = cipher.encryptIn('330110', '张伟', 'resident:r2:name');
    assert.equal(cipher.decrypt(after, 'resident:r2:name'), '张伟');
    assert.throws(() => cipher.decrypt(before, 'resident:r1:name'));
  });
});
