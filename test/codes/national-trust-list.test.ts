import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineTrustLists, readMemberTrustList, readNationalTrustList, withinRegions, type NationalTrustList } from '../../src/codes/national-trust-list.js';
import { generateSigningKey } from '../../src/codes/token-signer.js';
import { bytesToBase64Url, type TrustedKey } from '../../src/codes/trust-list.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00') / 1000;
const keyOf = (issuer: string, validUntil: number | null = null): TrustedKey => {
  const k = generateSigningKey(issuer);
  return { kid: k.kid, issuer, alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(k.publicKey), validFrom: NOW - 3600, validUntil };
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
  it('drops a key revoked in either list', () => {
    const n = national();
    const gone = n.members[0]!.keys[0]!.kid;
    const { trustList } = combineTrustLists({ version: 1, generatedAt: NOW, keys: [], revoked: [{ kid: gone, revokedAt: NOW }] }, n, NOW * 1000);
    assert.ok(!trustList.keys.some((k) => k.kid === gone));
    assert.equal(trustList.keys.length, 1);
  });
  it('refuses a national list whose member carries a key outside its regions', () => {
    assert.throws(
      () =>
        readNationalTrustList({ version: 1, hub: 'hub', sequence: 1, issuedAt: NOW, expiresAt: NOW + 1, members: [{ id: 'hubei', name: 'x', regions: ['420000'], url: 'u', operatorKey: null, status: 'fresh', keys: [keyOf('CN-110000')] }], revoked: [] }),
      /outside the member's regions/,
    );
  });
});
