import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFactBundle } from '../../src/codes/fact-bundle.js';

const T = Date.parse('2026-11-18T08:00:00+08:00');
const bundle = (facts: Record<string, unknown> = {}) => ({
  v: 1,
  iss: 'hubei',
  aud: 'zhejiang',
  sub: 'pairwise-subject',
  maskedName: '陈*',
  homeRegion: '420802',
  issuedAt: T,
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
