import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PAPER_CARD_PREFIX } from '../domain/residents/paper-card.js';

/**
 * The reference a paper card's QR carries: a random card id and an HMAC over it under a key only
 * the issuing operator's server holds. Not a COSE_Sign1 like a health code: a code is checked
 * offline by anyone holding the public key, but a card has no colour to check offline; only the
 * server that issued it can resolve it, so a MAC (shorter, so a smaller and sturdier printed QR)
 * proves all that is needed: this server made it. The id is random and names nobody; the MAC
 * refuses a forged or altered reference before the database is asked.
 */

const ID_BYTES = 16;
const MAC_BYTES = 16;

export type ReadReference = { ok: true; cardId: string } | { ok: false; reason: 'not-a-card' | 'malformed' | 'forged' };

/** A new random card id (base64url, 22 characters). */
export function newCardId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

function mac(key: Uint8Array, id: Buffer): Buffer {
  return createHmac('sha256', key).update(PAPER_CARD_PREFIX).update(id).digest().subarray(0, MAC_BYTES);
}

/** The QR text for a card: the prefix, then the id and its MAC as base64url. */
export function cardReference(cardId: string, key: Uint8Array): string {
  const id = Buffer.from(cardId, 'base64url');
  if (id.length !== ID_BYTES) throw new Error('a card id is 16 bytes of base64url');
  return PAPER_CARD_PREFIX + Buffer.concat([id, mac(key, id)]).toString('base64url');
}

/** The card id a reference stands for, if this key made it. */
export function readCardReference(text: string, key: Uint8Array): ReadReference {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PAPER_CARD_PREFIX)) return { ok: false, reason: 'not-a-card' };
  const body = trimmed.slice(PAPER_CARD_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(body, 'base64url');
  // A re-encoding must give the same text: base64url's spare bits would otherwise let one card have several references.
  if (raw.length !== ID_BYTES + MAC_BYTES || raw.toString('base64url') !== body) return { ok: false, reason: 'malformed' };
  const id = raw.subarray(0, ID_BYTES);
  if (!timingSafeEqual(mac(key, id), raw.subarray(ID_BYTES))) return { ok: false, reason: 'forged' };
  return { ok: true, cardId: id.toString('base64url') };
}
