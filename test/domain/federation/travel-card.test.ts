import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCUMENT_TYPES } from '../../../src/codes/signed-document.js';
import { encodeBase45 } from '../../../src/codes/base45.js';
import { generateSigningKey, nodeVerify, signDocument } from '../../../src/codes/token-signer.js';
import { TRAVEL_CARD_PREFIX, verifyTravelCard } from '../../../src/codes/travel-card.js';
import { bytesToBase64Url, type TrustList } from '../../../src/codes/trust-list.js';
import { HOUR_MS, DAY_MS } from '../../../src/domain/clock.js';
import { cityOf, travelCardStays } from '../../../src/domain/federation/travel-card.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const stay = (region: string, arrivalDaysAgo: number, hours: number, source = 'telecom') => ({ region, country: null, arrival: NOW - arrivalDaysAgo * DAY_MS, departure: NOW - arrivalDaysAgo * DAY_MS + hours * HOUR_MS, source });
const WUHAN_HIGH = { region: '420100', country: null, level: 'high' as const, from: NOW - 10 * DAY_MS, to: null };

describe('the travel card', () => {
  it('lists cities stayed 4 hours or more in the last 14 days, newest first, each with its source', () => {
    const card = travelCardStays([stay('420802', 6, 30, 'rail'), stay('330106', 2, 4), stay('320102', 3, 3.9), stay('440304', 16, 24)], [], NOW);
    assert.deepEqual(card.map((s) => [s.city, s.hours, s.source]), [['330100', 4, 'telecom'], ['420800', 30, 'rail']]);
  });
  it('marks a city that was a risk area during the stay, and not one listed after the person left', () => {
    const card = travelCardStays([stay('420106', 5, 10), stay('420111', 12, 10)], [WUHAN_HIGH], NOW);
    assert.deepEqual(card.map((s) => s.risk), [true, false]);
  });
  it('leaves out what the resident declared: the card is what the records say', () => {
    assert.deepEqual(travelCardStays([stay('330106', 2, 8, 'declaration')], [], NOW), []);
  });
  it('counts only the hours inside the 14 days: a 6-day stay that ended 1 hour into them is not listed, one ending 5 hours in shows 5', () => {
    const since = NOW - 14 * DAY_MS;
    const long = (hoursIn: number) => ({ region: '420802', country: null, arrival: since - 144 * HOUR_MS, departure: since + hoursIn * HOUR_MS, source: 'telecom' });
    assert.deepEqual(travelCardStays([long(1)], [], NOW), []);
    assert.deepEqual(travelCardStays([long(5)], [], NOW).map((s) => s.hours), [5]);
  });
  it('shows arrival and departure to the hour, not to the second', () => {
    const exact = { region: '330106', country: null, arrival: NOW - 2 * DAY_MS + 23 * 60_000 + 17_431, departure: NOW - DAY_MS + 41 * 60_000 + 5_012, source: 'rail' };
    const [shown] = travelCardStays([exact], [], NOW);
    assert.equal(shown!.arrival, NOW - 2 * DAY_MS);
    assert.equal(shown!.departure, NOW - DAY_MS);
    assert.equal(shown!.hours, 24);
  });
  it("names a district's city, and keeps a municipality's district its own", () => {
    assert.equal(cityOf('330110'), '330100');
    assert.equal(cityOf('110105'), '110100');
  });
});

describe('a signed travel card at the gate', () => {
  const key = generateSigningKey('CN-420000');
  const iat = NOW / 1000;
  const trust: TrustList = { version: 1, generatedAt: iat, keys: [{ kid: key.kid, issuer: 'CN-420000', alg: 'EdDSA', crv: 'Ed25519', x: bytesToBase64Url(key.publicKey), validFrom: iat - 60, validUntil: null }] };
  const claims = { v: 1, iss: 'CN-420000', sub: 'sealed', n: '陈*', iat, exp: iat + 300, stays: [{ c: '420800', cn: '湖北省 荆门市', k: null, a: iat - 86_400, d: iat - 3600, h: 23, s: 'rail', r: false }] };
  const card = (c: object, signer = key) => TRAVEL_CARD_PREFIX + encodeBase45(signDocument(signer, DOCUMENT_TYPES.travelCard, c));

  it('verifies offline against the trust list', async () => {
    const result = await verifyTravelCard(card(claims), trust, nodeVerify(), NOW);
    assert.ok(result.valid);
    assert.equal(result.claims.stays[0]!.cn, '湖北省 荆门市');
  });
  it('refuses a card signed by a key it does not trust, one expired, and a health code passed off as a card', async () => {
    const reason = async (text: string, at = NOW) => {
      const r = await verifyTravelCard(text, trust, nodeVerify(), at);
      return r.valid ? 'valid' : r.reason;
    };
    assert.equal(await reason(card(claims, generateSigningKey('CN-420000'))), 'unknown-key');
    assert.equal(await reason(card(claims), NOW + 10 * 60_000), 'expired');
    assert.equal(await reason(card({ ...claims, iss: 'CN-330000' })), 'unknown-key');
    assert.equal(await reason(TRAVEL_CARD_PREFIX + encodeBase45(signDocument(key, DOCUMENT_TYPES.factGrant, claims))), 'malformed-cbor');
    assert.equal(await reason('JKM1:ABC'), 'wrong-prefix');
  });
});
