import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceWhen } from '../../web/src/resident/evidence-words.js';

type Evidence = Parameters<typeof evidenceWhen>[0];

/** Midnight of 8 February 2020 in Beijing: how the server keeps a contact declared for that day. */
const DECLARED_DAY = '2020-02-07T16:00:00.000Z';
const declaredContact = { fact: 'contact', source: 'declaration', at: DECLARED_DAY, detail: { kind: 'confirmed' } } as unknown as Evidence;

describe('when a piece of evidence happened, as the resident reads it', () => {
  it('gives a declared contact the day the resident declared, with no time of day', () => {
    assert.equal(evidenceWhen(declaredContact, 'zh-CN'), '2020年2月8日周六');
    assert.equal(evidenceWhen(declaredContact, 'en'), 'Sat, February 8, 2020');
    assert.doesNotMatch(evidenceWhen(declaredContact, 'zh-Hant'), /上午|下午|12:00|00:00/);
  });

  it('gives a contact found by a trace the instant the trace put it at', () => {
    const traced = { ...declaredContact, source: 'trace', at: '2020-02-08T06:30:00.000Z' } as Evidence;
    assert.match(evidenceWhen(traced, 'zh-CN'), /14:30/);
  });

  it('gives a stay its arrival with the time', () => {
    const stay = { fact: 'stay', source: 'declaration', at: '2020-02-08T01:05:00.000Z', detail: { region: '420100', hours: 30 } } as unknown as Evidence;
    assert.match(evidenceWhen(stay, 'en'), /09:05/);
  });

  it('gives nothing when the evidence has no time', () => {
    assert.equal(evidenceWhen({ ...declaredContact, at: null } as Evidence, 'en'), '');
  });
});
