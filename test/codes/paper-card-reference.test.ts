import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { cardReference, newCardId, readCardReference } from '../../src/codes/paper-card-reference.js';

const key = randomBytes(32);

describe('paper card references', () => {
  it('reads back the card id of a reference made with the same key', () => {
    const id = newCardId();
    assert.deepEqual(readCardReference(cardReference(id, key), key), { ok: true, cardId: id });
  });

  it('is short enough for a sturdy printed QR: the prefix and 43 characters', () => {
    assert.match(cardReference(newCardId(), key), /^HCCARD1:[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a reference made with another key as forged', () => {
    assert.deepEqual(readCardReference(cardReference(newCardId(), randomBytes(32)), key), { ok: false, reason: 'forged' });
  });

  it('refuses a reference with any one character changed', () => {
    const reference = cardReference(newCardId(), key);
    for (let i = 'HCCARD1:'.length; i < reference.length; i++) {
      const altered = reference.slice(0, i) + (reference[i] === 'A' ? 'B' : 'A') + reference.slice(i + 1);
      assert.equal(readCardReference(altered, key).ok, false, altered);
    }
  });

  it('refuses a reference cut short or lengthened as malformed', () => {
    const reference = cardReference(newCardId(), key);
    assert.deepEqual(readCardReference(reference.slice(0, -2), key), { ok: false, reason: 'malformed' });
    assert.deepEqual(readCardReference(`${reference}AA`, key), { ok: false, reason: 'malformed' });
  });

  it('tells a health code from a card', () => {
    assert.deepEqual(readCardReference('JKM1:NCFOXN%TS3DH', key), { ok: false, reason: 'not-a-card' });
  });
});
