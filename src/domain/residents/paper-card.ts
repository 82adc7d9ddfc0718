import { DAY_MS } from '../clock.js';

/**
 * A paper card for someone without a phone: it carries no colour, only a reference the issuing
 * operator's server resolves at the gate, so the colour a guard sees is always the current one.
 */

/** What a card's QR text starts with: the scanner tells a card from a health code by it. */
export const PAPER_CARD_PREFIX = 'HCCARD1:';

/** A card is good for a year: long enough not to burden a household, short enough that lost cards lapse. */
export const PAPER_CARD_VALID_DAYS = 365;

/** Why a card presented at a gate is not honoured. */
/**
 * `card-identity-disputed`: the holder's record claims an ID number another account holds, and an
 * authority has not yet settled whose it is; the masked name on it may be a stranger's.
 */
export const CARD_REFUSALS = ['card-unrecognised', 'card-revoked', 'card-expired', 'card-identity-disputed'] as const;
export type CardRefusal = (typeof CARD_REFUSALS)[number];

export interface CardStanding {
  expiresAt: number;
  revokedAt: number | null;
  /** Whether the holder's record waits on an open claim to an ID number another account holds. */
  identityDisputed: boolean;
}

/** When a card issued at `issuedAt` (epoch ms) stops being honoured. */
export function cardExpiry(issuedAt: number): number {
  return issuedAt + PAPER_CARD_VALID_DAYS * DAY_MS;
}

/** Whether a stored card is honoured at `now`: a revoked card is refused even before its expiry, a disputed holder's always. */
export function cardRefusal(card: CardStanding, now: number): CardRefusal | null {
  if (card.revokedAt !== null && card.revokedAt <= now) return 'card-revoked';
  if (now >= card.expiresAt) return 'card-expired';
  if (card.identityDisputed) return 'card-identity-disputed';
  return null;
}

/**
 * The script a card's Chinese lines are printed in: Simplified (the default), or Traditional for a
 * holder who reads it (Hong Kong, Macao, Taiwan). English lines are on every card.
 */
export const CARD_SCRIPTS = ['zh-CN', 'zh-Hant'] as const;
export type CardScript = (typeof CARD_SCRIPTS)[number];
