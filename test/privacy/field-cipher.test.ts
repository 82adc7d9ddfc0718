import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { deriveSubkey, FieldCipher } from '../../src/privacy/field-cipher.js';
import { MemoryRegionKeys, RegionKeys } from '../../src/privacy/region-keys.js';

/** The obvious AES-256-GCM seal under the key's bytes, with a given IV: what FieldCipher's must equal byte for byte. */
function sealedByHand(key: Buffer, iv: Buffer, plaintext: string, aad: string): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final(), cipher.getAuthTag()]);
}

const REGIONS = ['330110', '330106', '420106'];

/** A full collection, as `--expose-gc` gives one, without the flag on the test's command line. */
function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // A WeakRef made or read in this turn is kept to its end: collect in the next one.
  return new Promise((resolve) => setImmediate(() => resolve(gc())));
}
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

  it("indexes under a district's key exactly as the index key derived from its bytes does, across a key destroyed and made again", () => {
    const master = randomBytes(32);
    const regionKeys = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
    const cipher = new FieldCipher(master, regionKeys);
    const byHand = (region: string, kind: string, value: string) =>
      `i2.${createHmac('sha256', deriveSubkey(regionKeys.existing(region)!.key, 'district blind index')).update(`${kind}\u0000${value}`).digest('base64url')}`;
    fc.assert(
      fc.property(fc.constantFrom(...REGIONS), fc.constantFrom('resident.identity', 'resident.phone', 'outbox.recipient'), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.boolean(), (region, kind, value, recreate) => {
        if (recreate) regionKeys.destroyOne(region);
        const index = cipher.regionIndex(region, kind, value);
        assert.equal(index, byHand(region, kind, value));
        assert.equal(cipher.regionIndexes(kind, value).get(region), index);
      }),
    );
  });

  it("keeps in memory no key derived from a district's key once its sunset destroyed it", async () => {
    const master = randomBytes(32);
    const regionKeys = RegionKeys.underMasterKey(new MemoryRegionKeys(), master);
    const cipher = new FieldCipher(master, regionKeys);
    // Both keys made from Yuhang's: the sealing key and the blind-index key, as a registration makes them.
    cipher.encryptIn('330110', '张伟', 'resident:r1:name');
    cipher.regionIndex('330110', 'resident.phone', '+8613912345678');
    cipher.regionIndexes('resident.phone', '+8613912345678');
    const destroyed = new WeakRef(regionKeys.existing('330110')!.key);
    regionKeys.destroyOne('330110');
    await collectGarbage();
    // Whoever reads the serving process's memory after the sunset finds neither the key nor what was made of it.
    assert.equal(destroyed.deref(), undefined);
  });
});
