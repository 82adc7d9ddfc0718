import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCUMENT_TYPES } from '../../src/codes/signed-document.js';
import { generateSigningKey, nodeVerify, signDocument, signKeyBinding, signToken } from '../../src/codes/token-signer.js';
import { TokenVerifier } from '../../src/codes/token-verifier.js';
import { bytesToBase64Url, type TrustedKey } from '../../src/codes/trust-list.js';
import { nationalState, takeTrust, trustedKeys, type ScannerTrust } from '../../web/src/scanner/trust.js';

/**
 * A checkpoint's trust (web/src/scanner/trust.ts) against a man in the middle of its unauthenticated
 * national-list request, and against a list kept past its expiry. Fixed clock; lists signed here.
 */

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const S = NOW / 1000;
const hub = generateSigningKey('hub');
const attacker = generateSigningKey('hub');
const hubKey = bytesToBase64Url(hub.publicKey);
type Signer = ReturnType<typeof generateSigningKey>;
const operatorSigner = generateSigningKey('zhejiang');
const operatorKey = bytesToBase64Url(operatorSigner.publicKey);
const ZHEJIANG = { id: 'zhejiang', name: '浙江省', regions: ['330000'] };
/** A code key as `operator` publishes it, bound to it with the key itself. */
const listed = (key: Signer, operator: string, issuer: string): TrustedKey => ({ kid: key.kid, issuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: S - 60, validUntil: null, binding: signKeyBinding(key, operator, issuer) });
/** Zhejiang's trust list as GET /api/v1/federation/trust-list serves it, signed by `signer`. */
const ownDoc = (keys: TrustedKey[], generatedAt = S, revoked: { kid: string; revokedAt: number }[] = [], signer: Signer = operatorSigner) => ({
  document: bytesToBase64Url(signDocument(signer, DOCUMENT_TYPES.memberTrustList, { version: 1, generatedAt, expiresAt: generatedAt + 7 * 86_400, operator: ZHEJIANG, keys, revoked })),
});
const own = ownDoc([]);

/** A national list naming one member (Hubei) with one code key, signed by `signer`. */
function nationalDoc(signer: ReturnType<typeof generateSigningKey>, sequence: number, expiresAt: number, codeKey = generateSigningKey('CN-420000')) {
  const list = {
    version: 1,
    hub: 'hub',
    sequence,
    issuedAt: S,
    expiresAt,
    members: [{ id: 'hubei', name: '湖北省', regions: ['420000'], url: 'https://hb.example.cn', operatorKey: null, status: 'fresh', listGeneratedAt: S, listExpiresAt: S + 86_400, keys: [listed(codeKey, 'hubei', 'CN-420000')] }],
    revoked: [],
  };
  return { document: bytesToBase64Url(signDocument(signer, DOCUMENT_TYPES.nationalTrustList, list)), codeKey };
}

const greenCode = (key: ReturnType<typeof generateSigningKey>, at: number) => signToken(key, { subject: 's', issuedAt: at / 1000, notBefore: at / 1000, expiresAt: at / 1000 + 300, colour: 'green', mark: null, maskedName: '陈*' });

describe("a scanner's national trust list", () => {
  it('verifies the list with the hub key its operator gave it over the device credential, not with the key the list came with', async () => {
    // The attacker answers the very first national-list request with its own list and its own key beside it.
    const forged = nationalDoc(attacker, 99, S + 86_400);
    const first = await takeTrust(null, { own, operatorKey, hubKey, national: { document: forged.document, hubKey: bytesToBase64Url(attacker.publicKey) } as { document: string } }, NOW, nodeVerify());
    assert.equal(first.refused, 'bad-signature');
    assert.equal(first.national, null);
    assert.equal(first.hubKey, hubKey);
    const forgedCode = greenCode(forged.codeKey, NOW);
    const verdict = await new TokenVerifier(trustedKeys(first, NOW).trustList, nodeVerify()).verify(forgedCode, NOW);
    assert.equal(verdict.valid ? 'valid' : verdict.reason, 'unknown-key');
    // The real list is then taken, not refused as a changed hub key.
    const real = nationalDoc(hub, 5, S + 86_400);
    const second = await takeTrust(first, { own, operatorKey, hubKey, national: real }, NOW, nodeVerify());
    assert.equal(second.refused, null);
    assert.equal(second.national?.sequence, 5);
  });

  it('takes a new hub key from its operator and drops the list the old key signed', async () => {
    const taken = await takeTrust(null, { own, operatorKey, hubKey, national: nationalDoc(hub, 5, S + 86_400) }, NOW, nodeVerify());
    const rotated = generateSigningKey('hub');
    const stale = await takeTrust(taken, { own, operatorKey, hubKey: bytesToBase64Url(rotated.publicKey), national: nationalDoc(hub, 6, S + 86_400) }, NOW, nodeVerify());
    assert.equal(stale.national, null, 'the old key signs nothing the device trusts after the operator named a new one');
    const renewed = await takeTrust(stale, { own, operatorKey, hubKey: bytesToBase64Url(rotated.publicKey), national: nationalDoc(rotated, 7, S + 86_400) }, NOW, nodeVerify());
    assert.equal(renewed.national?.sequence, 7);
  });

  it('refuses an older, still unexpired list replayed after a newer one, so a key the newer list dropped stays untrusted', async () => {
    // Sequence 5 still names a Hubei key that leaked; sequence 7 no longer does.
    const withLeakedKey = nationalDoc(hub, 5, S + 86_400);
    const taken = await takeTrust(null, { own, operatorKey, hubKey, national: nationalDoc(hub, 7, S + 86_400) }, NOW, nodeVerify());
    assert.equal(taken.national?.sequence, 7);
    // A man in the middle of the next sync answers with the older list the hub really signed.
    const replayed = await takeTrust(taken, { own, operatorKey, hubKey, national: withLeakedKey }, NOW + 60_000, nodeVerify());
    assert.equal(replayed.refused, 'older');
    assert.equal(replayed.national?.sequence, 7);
    const leaked = greenCode(withLeakedKey.codeKey, NOW + 60_000);
    const verdict = await new TokenVerifier(trustedKeys(replayed, NOW + 60_000).trustList, nodeVerify()).verify(leaked, NOW + 60_000);
    assert.equal(verdict.valid ? 'valid' : verdict.reason, 'unknown-key');
  });

  it('stops trusting the members of a list once it has expired, and says so, though no newer list came', async () => {
    const real = nationalDoc(hub, 5, S + 86_400);
    const trust: ScannerTrust = await takeTrust(null, { own, operatorKey, hubKey, national: real }, NOW, nodeVerify());
    const twoDaysLater = NOW + 2 * 86_400_000;
    // A code whose key is only in that list, shown two days later (its own times are fine).
    const code = greenCode(real.codeKey, twoDaysLater);
    assert.ok((await new TokenVerifier(trustedKeys(trust, NOW + 3_600_000).trustList, nodeVerify()).verify(greenCode(real.codeKey, NOW + 3_600_000), NOW + 3_600_000)).valid);
    const verdict = await new TokenVerifier(trustedKeys(trust, twoDaysLater).trustList, nodeVerify()).verify(code, twoDaysLater);
    assert.equal(verdict.valid ? 'valid' : verdict.reason, 'unknown-key');
    assert.deepEqual(nationalState(trust, twoDaysLater), { state: 'expired', sequence: 5, members: 1, expiresAt: (S + 86_400) * 1000 });
    assert.equal(nationalState(trust, NOW).state, 'current');
  });
});

describe("a scanner's own operator's trust list", () => {
  const zhejiangKey = generateSigningKey('CN-330000');
  const good = ownDoc([listed(zhejiangKey, 'zhejiang', 'CN-330000')]);
  const verdictOf = async (trust: ScannerTrust, code: string) => {
    const verdict = await new TokenVerifier(trustedKeys(trust, NOW).trustList, nodeVerify()).verify(code, NOW);
    return verdict.valid ? 'valid' : verdict.reason;
  };

  it('refuses an own list altered or unsigned on the way, keeps what it had, and refuses codes signed with the injected key', async () => {
    const held = await takeTrust(null, { own: good, operatorKey, hubKey: null, national: null }, NOW, nodeVerify());
    assert.equal(held.ownRefused, null);
    assert.equal(await verdictOf(held, greenCode(zhejiangKey, NOW)), 'valid');
    // A man in the middle of the public list request (or a poisoned cache) adds its own key, bound as Zhejiang's.
    const injected = generateSigningKey('CN-330000');
    const withInjected = [listed(zhejiangKey, 'zhejiang', 'CN-330000'), listed(injected, 'zhejiang', 'CN-330000')];
    const plainJson = { document: bytesToBase64Url(new TextEncoder().encode(JSON.stringify({ version: 1, generatedAt: S + 60, keys: withInjected, operator: ZHEJIANG, revoked: [] }))) };
    for (const forged of [ownDoc(withInjected, S + 60, [], attacker), plainJson]) {
      const after = await takeTrust(held, { own: forged, operatorKey, hubKey: null, national: null }, NOW, nodeVerify());
      assert.equal(after.ownRefused, 'bad-signature');
      assert.deepEqual(after.own, held.own, 'the last good list stays');
      assert.equal(await verdictOf(after, greenCode(injected, NOW)), 'unknown-key');
      assert.equal(await verdictOf(after, greenCode(zhejiangKey, NOW)), 'valid');
    }
    // Nor does a first contact take an unsigned list: nothing is trusted until a verified one comes.
    const first = await takeTrust(null, { own: plainJson, operatorKey, hubKey: null, national: null }, NOW, nodeVerify());
    assert.equal(await verdictOf(first, greenCode(injected, NOW)), 'unknown-key');
  });

  it('takes no older list after an answer that leaves the keys out: a dropped key resets nothing', async () => {
    // The scanner holds the operator's newer list (which no longer names a key it revoked) and national list 9.
    const revokedKey = generateSigningKey('CN-330000');
    const olderOwn = ownDoc([listed(zhejiangKey, 'zhejiang', 'CN-330000'), listed(revokedKey, 'zhejiang', 'CN-330000')], S - 3600);
    const olderNational = nationalDoc(hub, 5, S + 86_400);
    const held = await takeTrust(null, { own: good, operatorKey, hubKey, national: nationalDoc(hub, 9, S + 86_400) }, NOW, nodeVerify());
    // A path in the middle answers one /checkpoint/me without the keys, then the real ones with the old lists.
    const dropped = await takeTrust(held, { own: null, operatorKey: null, hubKey: null, national: null }, NOW, nodeVerify());
    assert.deepEqual([dropped.operatorKey, dropped.hubKey, dropped.national?.sequence], [operatorKey, hubKey, 9]);
    const replayed = await takeTrust(dropped, { own: olderOwn, operatorKey, hubKey, national: olderNational }, NOW, nodeVerify());
    assert.deepEqual([replayed.ownRefused, replayed.refused, replayed.national?.sequence], ['older', 'older', 9]);
    assert.equal(await verdictOf(replayed, greenCode(revokedKey, NOW)), 'unknown-key');
    assert.equal(await verdictOf(replayed, greenCode(olderNational.codeKey, NOW)), 'unknown-key');
  });

  it("refuses an own list that goes back, and lets no own list revoke another operator's key", async () => {
    const held = await takeTrust(null, { own: good, operatorKey, hubKey, national: nationalDoc(hub, 5, S + 86_400) }, NOW, nodeVerify());
    const hubeiKid = held.national!.members[0]!.keys[0]!.kid;
    const older = await takeTrust(held, { own: ownDoc([], S - 3600), operatorKey, hubKey, national: null }, NOW, nodeVerify());
    assert.equal(older.ownRefused, 'older');
    assert.deepEqual(older.own, held.own);
    // Signed by the operator but naming Hubei's key as revoked: Hubei's keys are Hubei's to revoke.
    const revoking = await takeTrust(held, { own: ownDoc([listed(zhejiangKey, 'zhejiang', 'CN-330000')], S + 1, [{ kid: hubeiKid, revokedAt: S }]), operatorKey, hubKey, national: null }, NOW, nodeVerify());
    assert.equal(revoking.ownRefused, null);
    assert.ok(trustedKeys(revoking, NOW).trustList.keys.some((k) => k.kid === hubeiKid));
  });
});
