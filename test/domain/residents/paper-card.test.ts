import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS } from '../../../src/domain/clock.js';
import { cardExpiry, cardRefusal } from '../../../src/domain/residents/paper-card.js';

const issued = Date.parse('2026-11-20T02:00:00Z');

describe('a paper card at the gate', () => {
  it('lapses a year after it was issued', () => {
    assert.equal(cardExpiry(issued), issued + 365 * DAY_MS);
  });

  it('is honoured until it lapses', () => {
    assert.equal(cardRefusal({ expiresAt: cardExpiry(issued), revokedAt: null, identityDisputed: false }, cardExpiry(issued) - 1), null);
  });

  it('is refused from the moment it lapses', () => {
    assert.equal(cardRefusal({ expiresAt: cardExpiry(issued), revokedAt: null, identityDisputed: false }, cardExpiry(issued)), 'card-expired');
  });

  it('is refused once revoked, even long before it would lapse', () => {
    assert.equal(cardRefusal({ expiresAt: cardExpiry(issued), revokedAt: issued + DAY_MS, identityDisputed: false }, issued + 2 * DAY_MS), 'card-revoked');
  });

  it("is refused while its holder's identity is disputed, however long it has left", () => {
    assert.equal(cardRefusal({ expiresAt: cardExpiry(issued), revokedAt: null, identityDisputed: true }, issued + DAY_MS), 'card-identity-disputed');
  });
});
