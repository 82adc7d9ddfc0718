import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { SignaturePool } from '../../src/codes/signature-pool.js';
import { nodeVerify } from '../../src/codes/token-signer.js';

/** Raw 32-byte Ed25519 public keys and their signing keys. */
const keys = Array.from({ length: 3 }, () => {
  const pair = generateKeyPairSync('ed25519');
  const raw = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { raw: new Uint8Array(raw), privateKey: pair.privateKey };
});

type Case = { signer: number; checker: number; data: Uint8Array; flip: number | null };

const item = fc.record({
  signer: fc.nat(keys.length - 1),
  checker: fc.nat(keys.length - 1),
  data: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  flip: fc.option(fc.nat(63), { nil: null }),
});

function args(c: Case): [Uint8Array, Uint8Array, Uint8Array] {
  const signature = new Uint8Array(sign(null, c.data, keys[c.signer]!.privateKey));
  if (c.flip !== null) signature[c.flip] = signature[c.flip]! ^ 0x01;
  return [keys[c.checker]!.raw, c.data, signature];
}

describe('signature checks on worker threads', () => {
  const pool = new SignaturePool(2);
  after(() => pool.close());

  it('answers every batch exactly as node:crypto on this thread does: valid, tampered, or checked with the wrong key', async () => {
    const inline = nodeVerify();
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 60 }), async (cases) => {
        const pooled = await Promise.all(cases.map((c) => pool.verify(...args(c))));
        assert.deepEqual(pooled, cases.map((c) => inline(...args(c))));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps batches asked for at once apart', async () => {
    const [a, b] = await Promise.all([
      Promise.all([0, 1, 2].map((n) => pool.verify(...args({ signer: n, checker: n, data: new Uint8Array([n]), flip: null })))),
      Promise.all([0, 1, 2].map((n) => pool.verify(...args({ signer: n, checker: (n + 1) % 3, data: new Uint8Array([n]), flip: null })))),
    ]);
    assert.deepEqual([a, b], [[true, true, true], [false, false, false]]);
  });

  it('sends only the bytes of a view, not the buffer around it', async () => {
    const c: Case = { signer: 0, checker: 0, data: new Uint8Array([1, 2, 3]), flip: null };
    const [publicKey, , signature] = args(c);
    const around = new Uint8Array(8192);
    around.set(c.data, 4000);
    assert.equal(await pool.verify(publicKey, around.subarray(4000, 4003), signature), true);
  });

  it('refuses checks once closed', async () => {
    const closing = new SignaturePool(1);
    await closing.close();
    await assert.rejects(Promise.resolve(closing.verify(keys[0]!.raw, new Uint8Array(1), new Uint8Array(64))), /closed/);
  });
});
