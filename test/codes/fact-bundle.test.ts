import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coarsenFacts, phoneCommitment, readFactBundle, type BundleFacts } from '../../src/codes/fact-bundle.js';

const T = Date.parse('2026-11-18T08:00:00+08:00');
const PHONE = await phoneCommitment('zhejiang', 'bm9uY2Utb2YtdGhlLXJlcXVlc3Q', '+8613972891234');
const bundle = (facts: Record<string, unknown> = {}) => ({
  v: 1,
  iss: 'hubei',
  aud: 'zhejiang',
  sub: 'pairwise-subject',
  maskedName: '陈*',
  homeRegion: '420000',
  issuedAt: T,
  nonce: 'bm9uY2Utb2YtdGhlLXJlcXVlc3Q',
  grantHash: 'aGFzaC1vZi10aGUtZ3JhbnQ',
  phone: PHONE,
  facts: { declaration: null, stays: [], contacts: [], cases: [], tests: [], vaccinations: [], ...facts },
});
const refusal = (payload: unknown) => {
  try {
    readFactBundle(payload);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('a fact bundle, as the destination reads it', () => {
  it('takes stays, contacts, cases, tests and vaccinations with their sources and times', () => {
    const read = readFactBundle(
      bundle({
        stays: [{ region: '420802', country: null, arrival: T - 86_400_000, departure: null, source: 'telecom', recordedAt: T }],
        tests: [{ result: 'negative', at: T, source: 'authority', recordedAt: T }],
        vaccinations: [{ dose: 2, courseDoses: 2, at: T - 90 * 86_400_000, source: 'authority', recordedAt: T }],
      }),
    );
    assert.equal(read.facts.stays[0]!.departure, null);
    assert.equal(read.facts.vaccinations[0]!.courseDoses, 2);
  });
  it('refuses a stay that names both or neither of a region and a country', () => {
    assert.match(refusal(bundle({ stays: [{ region: null, country: null, arrival: T, departure: null, source: 'telecom', recordedAt: T }] })), /facts\.stays\[0\] names neither/);
    assert.match(refusal(bundle({ stays: [{ region: '420802', country: 'DE', arrival: T, departure: null, source: 'telecom', recordedAt: T }] })), /facts\.stays\[0\]/);
  });
  it('refuses an unknown source or kind, naming where', () => {
    assert.match(refusal(bundle({ contacts: [{ kind: 'confirmed', at: T, source: 'rumour', recordedAt: T }] })), /facts\.contacts\[0\]\.source/);
    assert.match(refusal(bundle({ cases: [{ status: 'maybe', at: T, source: 'authority', recordedAt: T }] })), /facts\.cases\[0\]\.status/);
  });
  it('refuses more facts than any person has, and a bundle without a home region', () => {
    assert.match(refusal(bundle({ tests: Array.from({ length: 501 }, () => ({ result: 'negative', at: T, source: 'authority', recordedAt: T })) })), /at most 500/);
    assert.match(refusal({ ...bundle(), homeRegion: 'Hubei' }), /homeRegion/);
  });
});

describe('what a bundle gives away about the resident', () => {
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  // Her facts at home, to the millisecond, as the home recorded them.
  const atHome: BundleFacts = {
    declaration: { at: T - 3 * HOUR - 17 * MIN - 412, symptoms: [], temperature: 36.5 },
    stays: [{ region: '420802', country: null, arrival: T - 5 * 86_400_000 + 23 * MIN + 9_117, departure: T - 2 * HOUR - 41 * MIN - 5_012, source: 'telecom', recordedAt: T - HOUR - 7 * MIN - 3 }],
    contacts: [{ kind: 'close', at: T - 9 * 86_400_000 + 12 * MIN + 777, source: 'trace', recordedAt: T - 8 * 86_400_000 + 31 * MIN + 1 }],
    cases: [],
    tests: [{ result: 'negative', at: T - 20 * HOUR - 13 * MIN - 999, source: 'authority', recordedAt: T - 19 * HOUR - 2 * MIN - 17 }],
    vaccinations: [{ dose: 2, courseDoses: 2, at: T - 90 * 86_400_000 + 44 * MIN + 10, source: 'authority', recordedAt: T - 89 * 86_400_000 + 5 * MIN }],
  };
  const timesOf = (f: BundleFacts) => [f.declaration!.at, ...f.stays.flatMap((s) => [s.arrival, s.departure!, s.recordedAt]), ...f.contacts.flatMap((c) => [c.at, c.recordedAt]), ...f.tests.flatMap((t) => [t.at, t.recordedAt]), ...f.vaccinations.flatMap((v) => [v.at, v.recordedAt])];

  it('carries no exact time: bundles to two destinations, released a minute apart, share none of her millisecond times, only hours', () => {
    const toZhejiang = coarsenFacts(atHome, T + 7 * MIN + 311);
    const toGuangdong = coarsenFacts(atHome, T + 8 * MIN + 52);
    const exact = new Set(timesOf(atHome));
    for (const t of [...timesOf(toZhejiang), ...timesOf(toGuangdong)]) {
      assert.ok(!exact.has(t), `${new Date(t).toISOString()} is one of her exact times`);
      assert.equal(t % HOUR, 0, `${new Date(t).toISOString()} is to the hour`);
    }
  });
  it('rounds each time the way that can only make the decision stricter', () => {
    const c = coarsenFacts(atHome, T);
    assert.ok(c.stays[0]!.arrival <= atHome.stays[0]!.arrival && c.stays[0]!.departure! >= atHome.stays[0]!.departure!, 'the stay is no shorter');
    assert.ok(c.tests[0]!.at <= atHome.tests[0]!.at, 'the negative test is no newer');
    assert.ok(c.contacts[0]!.at >= atHome.contacts[0]!.at, 'the contact is no older');
    assert.ok(c.vaccinations[0]!.at >= atHome.vaccinations[0]!.at, 'the vaccination is no older');
    assert.ok(c.declaration!.at <= atHome.declaration!.at, 'the declaration is no newer');
  });
  it('commits to the phone for one destination and one request: equal for the same phone alone, and different in every bundle', async () => {
    const phone = '+8613972891234';
    const c = (aud: string, nonce: string, e164: string) => phoneCommitment(aud, nonce, e164);
    assert.equal(await c('zhejiang', 'n1', phone), await c('zhejiang', 'n1', phone));
    assert.notEqual(await c('zhejiang', 'n1', phone), await c('zhejiang', 'n1', '+8613600001111'));
    assert.notEqual(await c('zhejiang', 'n1', phone), await c('guangdong', 'n1', phone));
    assert.notEqual(await c('zhejiang', 'n1', phone), await c('zhejiang', 'n2', phone));
    assert.ok(!(await c('zhejiang', 'n1', phone)).includes('13972891234'));
  });
  it('refuses a bundle that does not say which request and grant it answers', () => {
    assert.match(refusal({ ...bundle(), nonce: undefined }), /nonce/);
    assert.match(refusal({ ...bundle(), grantHash: '' }), /grantHash/);
    assert.match(refusal({ ...bundle(), phone: '13972891234' }), /phone/);
  });
});
