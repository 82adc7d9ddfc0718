import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyBindings, keyBindingBytes } from '../../src/codes/key-binding.js';
import { verifyNationalTrustList } from '../../src/codes/national-trust-list.js';
import { DOCUMENT_TYPES } from '../../src/codes/signed-document.js';
import { generateSigningKey, nodeVerify, signDocument, signKeyBinding } from '../../src/codes/token-signer.js';
import { webCryptoVerify } from '../../src/codes/token-verifier.js';
import { bytesToBase64Url, type TrustedKey } from '../../src/codes/trust-list.js';

/** Proof of possession against a hostile member copying another's public key into its own list. Fixed times; keys made here. */

const NOW = Date.parse('2026-11-20T10:00:00+08:00') / 1000;
const bound = (operator: string, issuer: string) => {
  const signer = generateSigningKey(issuer);
  const key: TrustedKey = { kid: signer.kid, issuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(signer.publicKey), validFrom: NOW - 60, validUntil: null, binding: signKeyBinding(signer, operator, issuer) };
  return { signer, key };
};

describe("a code key's binding to the operator that holds it", () => {
  it('verifies for its own operator, in Node and with WebCrypto as a browser does', async () => {
    const { key } = bound('hubei', 'CN-420000');
    await checkKeyBindings([key], 'hubei', nodeVerify(), 'member hubei');
    await checkKeyBindings([key], 'hubei', webCryptoVerify(), 'member hubei');
  });

  it("refuses a copied key under the copier's name: unbound, with the victim's binding, or bound with the copier's own key", async () => {
    const victim = bound('hubei', 'CN-420000');
    const copier = generateSigningKey('CN-440000');
    const copied = { ...victim.key, issuer: 'CN-440000' };
    for (const attempt of [{ ...copied, binding: undefined }, copied, { ...copied, binding: signKeyBinding({ ...copier, kid: copied.kid }, 'guangdong', 'CN-440000') }]) {
      await assert.rejects(checkKeyBindings([attempt], 'guangdong', nodeVerify(), 'member guangdong'), /member guangdong: key .* (carries no binding|is not bound to guangdong)/);
    }
    // The victim's own binding does not stretch to another region either.
    await assert.rejects(checkKeyBindings([{ ...victim.key, issuer: 'CN-420100' }], 'hubei', nodeVerify(), 'member hubei'), /not bound to hubei/);
  });

  it('separates the fields, so that one binding cannot be read as another', () => {
    assert.notDeepEqual(keyBindingBytes('ab', { kid: 'c', issuer: 'CN-420000' }), keyBindingBytes('a', { kid: 'bc', issuer: 'CN-420000' }));
  });

  it("refuses a national list that lists a key under a member it is not bound to, though the hub signed it", async () => {
    const hub = generateSigningKey('hub');
    const victim = bound('hubei', 'CN-420000');
    const member = (id: string, regions: string[], keys: TrustedKey[]) => ({ id, name: id, regions, url: `https://${id}.example.cn`, operatorKey: null, status: 'fresh', listGeneratedAt: NOW, listExpiresAt: NOW + 3600, keys });
    const doc = (members: unknown[]) => signDocument(hub, DOCUMENT_TYPES.nationalTrustList, { version: 1, hub: 'hub', sequence: 1, issuedAt: NOW, expiresAt: NOW + 86_400, members, revoked: [] });
    await assert.rejects(verifyNationalTrustList(doc([member('guangdong', ['440000'], [{ ...victim.key, issuer: 'CN-440000' }])]), hub.publicKey, nodeVerify()), /member guangdong: key .* not bound to guangdong/);
    const list = await verifyNationalTrustList(doc([member('hubei', ['420000'], [victim.key])]), hub.publicKey, nodeVerify());
    assert.equal(list.members[0]!.keys[0]!.binding, victim.key.binding);
  });
});
