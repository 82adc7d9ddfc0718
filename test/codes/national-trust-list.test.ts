import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyIds, combineTrustLists, MAX_MEMBER_KEYS, MAX_MEMBER_REVOKED, peerUrl, readMemberTrustList, readNationalTrustList, verifyNationalTrustList, withinRegions, type NationalTrustList } from '../../src/codes/national-trust-list.js';
import { DOCUMENT_TYPES } from '../../src/codes/signed-document.js';
import { nodeVerify, signDocument, signKeyBinding } from '../../src/codes/token-signer.js';
import { generateSigningKey } from '../../src/codes/token-signer.js';
import { bytesToBase64Url, type TrustedKey } from '../../src/codes/trust-list.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00') / 1000;
const keyOf = (issuer: string, validUntil: number | null = null): TrustedKey => {
  const k = generateSigningKey(issuer);
  const operator = { 'CN-420000': 'hubei', 'CN-330000': 'zhejiang', 'CN-440000': 'guangdong' }[issuer] ?? 'hubei';
  return { kid: k.kid, issuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(k.publicKey), validFrom: NOW - 3600, validUntil, binding: signKeyBinding(k, operator, issuer) };
};
const HUBEI = { id: 'hubei', regions: ['420000'] };
const list = (over: Record<string, unknown> = {}) => ({ version: 1, generatedAt: NOW, expiresAt: NOW + 86_400, operator: { id: 'hubei', name: '湖北省', regions: ['420000'] }, keys: [keyOf('CN-420000')], revoked: [], ...over });
const refusal = (payload: unknown) => {
  try {
    readMemberTrustList(payload, HUBEI, NOW);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe("a member's trust list, as the hub reads it", () => {
  it('takes a list of its own regions', () => {
    assert.equal(readMemberTrustList(list(), HUBEI, NOW).keys.length, 1);
  });
  it('refuses a key for a region the member was not registered for', () => {
    assert.match(refusal(list({ keys: [keyOf('CN-420000'), keyOf('CN-330000')] })), /signs for CN-330000, outside the regions hubei was registered for/);
  });
  it("refuses a list naming another operator: one member cannot speak for another", () => {
    assert.match(refusal(list({ operator: { id: 'zhejiang', name: '浙江省', regions: ['330000'] } })), /of operator zhejiang, not hubei/);
  });
  it('refuses an expired list and one dated in the future', () => {
    assert.match(refusal(list({ expiresAt: NOW - 1 })), /expired/);
    assert.match(refusal(list({ generatedAt: NOW + 3600 })), /future/);
  });
  it('refuses malformed keys and shapes, naming where', () => {
    assert.match(refusal(list({ keys: [{ ...keyOf('CN-420000'), x: 'short' }] })), /keys\[0\]\.x/);
    assert.match(refusal(list({ keys: [{ ...keyOf('CN-420000'), alg: 'RS256' }] })), /keys\[0\] is not an Ed25519 key/);
    assert.match(refusal({ version: 2 }), /not a version 1 trust list/);
    assert.match(refusal(list({ revoked: [{ kid: 1 }] })), /revoked\[0\]/);
  });
});

describe('regions within regions', () => {
  it('puts a district in its city and province, and nowhere else', () => {
    assert.ok(withinRegions('420802', ['420000']));
    assert.ok(withinRegions('420802', ['420800']));
    assert.ok(!withinRegions('420802', ['420100']));
    assert.ok(!withinRegions('330110', ['420000']));
  });
});

describe('the keys a checkpoint verifies with', () => {
  const national = (): NationalTrustList =>
    readNationalTrustList({
      version: 1,
      hub: 'hub',
      sequence: 7,
      issuedAt: NOW,
      expiresAt: NOW + 86_400,
      members: [{ id: 'hubei', name: '湖北省', regions: ['420000'], url: 'https://hb.example', operatorKey: null, status: 'fresh', listGeneratedAt: NOW, listExpiresAt: NOW + 3600, keys: [keyOf('CN-420000'), keyOf('CN-420000')] }],
      revoked: [],
    });
  it("joins its own operator's keys and every member's, saying whose each is", () => {
    const own = { version: 1 as const, generatedAt: NOW, keys: [keyOf('CN-330000')], operator: { id: 'zhejiang', name: '浙江省', regions: ['330000'] } };
    const n = national();
    const { trustList, origins } = combineTrustLists(own, n, NOW * 1000);
    assert.equal(trustList.keys.length, 3);
    assert.deepEqual(origins.get(n.members[0]!.keys[1]!.kid), { operator: 'hubei', operatorName: '湖北省', region: '420000' });
    assert.equal(origins.get(own.keys[0]!.kid)?.operator, 'zhejiang');
  });
  it("drops a key revoked by the operator that published it, and never another operator's key on its own list's word", () => {
    const n = national();
    const theirs = n.members[0]!.keys[0]!.kid;
    const ownKey = keyOf('CN-330000');
    const operator = { id: 'zhejiang', name: '浙江省', regions: ['330000'] };
    const revoking = (kid: string) => combineTrustLists({ version: 1, generatedAt: NOW, keys: [ownKey], operator, revoked: [{ kid, revokedAt: NOW }] }, n, NOW * 1000).trustList;
    assert.ok(!revoking(ownKey.kid).keys.some((k) => k.kid === ownKey.kid));
    // An own list that names Hubei's key (altered on the way, or wrong) leaves it to Hubei.
    assert.ok(revoking(theirs).keys.some((k) => k.kid === theirs));
    const byHubei = combineTrustLists({ version: 1, generatedAt: NOW, keys: [], operator }, { ...n, revoked: [{ kid: theirs, revokedAt: NOW, operator: 'hubei' }] }, NOW * 1000).trustList;
    assert.ok(!byHubei.keys.some((k) => k.kid === theirs));
  });
  it('refuses a national list whose member carries a key outside its regions', () => {
    assert.throws(
      () =>
        readNationalTrustList({ version: 1, hub: 'hub', sequence: 1, issuedAt: NOW, expiresAt: NOW + 1, members: [{ id: 'hubei', name: 'x', regions: ['420000'], url: 'u', operatorKey: null, status: 'fresh', keys: [keyOf('CN-110000')] }], revoked: [] }),
      /outside the member's regions/,
    );
  });
});

describe('promises a hostile member cannot break', () => {
  const member = (id: string, regions: string[], keys: TrustedKey[]) => ({ id, name: id, regions, url: `https://${id}.example.cn`, operatorKey: null, status: 'fresh', listGeneratedAt: NOW, listExpiresAt: NOW + 3600, keys });
  const zhejiangKey = keyOf('CN-330000');
  const own = { version: 1 as const, generatedAt: NOW, keys: [zhejiangKey], operator: { id: 'zhejiang', name: '浙江省', regions: ['330000'] }, revoked: [] };
  const hubeiKey = keyOf('CN-420000');
  const nationalWith = (revoked: { kid: string; revokedAt: number; operator: string }[], expiresAt = NOW + 86_400): NationalTrustList =>
    readNationalTrustList({ version: 1, hub: 'hub', sequence: 3, issuedAt: NOW, expiresAt, members: [member('zhejiang', ['330000'], [zhejiangKey]), member('hubei', ['420000'], [hubeiKey]), member('guangdong', ['440000'], [keyOf('CN-440000')])], revoked });

  it("keeps a key that another member's revocation names: only the member that published a key revokes it", () => {
    const { trustList } = combineTrustLists(own, nationalWith([{ kid: hubeiKey.kid, revokedAt: NOW, operator: 'guangdong' }]), NOW * 1000);
    assert.ok(trustList.keys.some((k) => k.kid === hubeiKey.kid));
    const revokedByHubei = combineTrustLists(own, nationalWith([{ kid: hubeiKey.kid, revokedAt: NOW, operator: 'hubei' }]), NOW * 1000);
    assert.ok(!revokedByHubei.trustList.keys.some((k) => k.kid === hubeiKey.kid));
  });

  it("never lets the national list revoke the operator's own keys, whoever it names as revoking", () => {
    for (const operator of ['guangdong', 'zhejiang']) {
      const { trustList } = combineTrustLists(own, nationalWith([{ kid: zhejiangKey.kid, revokedAt: NOW, operator }]), NOW * 1000);
      assert.ok(trustList.keys.some((k) => k.kid === zhejiangKey.kid), operator);
    }
  });

  it('trusts no member key from a national list that has expired by the time it is used', () => {
    const list = nationalWith([], NOW + 86_400);
    assert.ok(combineTrustLists(own, list, (NOW + 86_399) * 1000).trustList.keys.some((k) => k.kid === hubeiKey.kid));
    const later = combineTrustLists(own, list, (NOW + 2 * 86_400) * 1000);
    assert.deepEqual(later.trustList.keys.map((k) => k.kid), [zhejiangKey.kid], "only the operator's own keys");
  });

  it('refuses a key whose kid is not derived from its public key, in a member list and in a national list', async () => {
    const borrowed = { ...keyOf('CN-440000'), kid: hubeiKey.kid };
    await assert.rejects(checkKeyIds([borrowed], 'member guangdong'), /member guangdong: key .* is not the key id of its public key/);
    await checkKeyIds([hubeiKey], 'member hubei');
    const hub = generateSigningKey('hub');
    const payload = { version: 1, hub: 'hub', sequence: 1, issuedAt: NOW, expiresAt: NOW + 86_400, members: [member('guangdong', ['440000'], [borrowed])], revoked: [] };
    await assert.rejects(verifyNationalTrustList(signDocument(hub, DOCUMENT_TYPES.nationalTrustList, payload), hub.publicKey, nodeVerify()), /not the key id of its public key/);
  });

  it('refuses a national list that names one kid for two members', () => {
    assert.throws(
      () => readNationalTrustList({ version: 1, hub: 'hub', sequence: 1, issuedAt: NOW, expiresAt: NOW + 60, members: [member('hubei', ['420000'], [hubeiKey]), member('guangdong', ['440000'], [{ ...hubeiKey, issuer: 'CN-440000' }])], revoked: [] }),
      /listed for both hubei and guangdong/,
    );
  });

  it('refuses a member list with more keys or revocations than a member may publish', () => {
    assert.match(refusal(list({ revoked: Array.from({ length: MAX_MEMBER_REVOKED + 1 }, (_, i) => ({ kid: `k${String(i).padStart(10, '0')}`, revokedAt: NOW })) })), /more than the 200 a member may publish/);
    assert.match(refusal(list({ keys: Array.from({ length: MAX_MEMBER_KEYS + 1 }, () => keyOf('CN-420000')) })), /more than the 200 a member may publish/);
    assert.match(refusal(list({ keys: [hubeiKey, hubeiKey] })), /listed twice/);
  });

  it('joins paths under a member address without letting the address swallow them', () => {
    assert.equal(peerUrl('https://hb.example.cn/healthcode', '/api/v1/federation/trust-list'), 'https://hb.example.cn/healthcode/api/v1/federation/trust-list');
    assert.equal(peerUrl('https://hb.example.cn/', '/api/v1/federation/trust-list'), 'https://hb.example.cn/api/v1/federation/trust-list');
    for (const base of ['https://evil.example/x#', 'https://evil.example/x?', 'https://u:p@hb.example.cn', 'file:///etc/passwd']) assert.throws(() => peerUrl(base, '/api/v1/federation/trust-list'), base);
  });
});
