/**
 * Checks on a raw Ed25519 public key (RFC 8032 §5.1.2 encoding) that signature verification itself
 * does not make: a small-order point verifies a forged signature (R the identity, S zero) for any
 * message, and a non-canonical encoding (y not reduced below p) is another name for a point that
 * should have one. Pure and browser-safe: the scanner runs it too.
 */

/** The field prime of Curve25519, 2^255 - 19. */
const P = 2n ** 255n - 19n;
/** The y of two of the four points of order 8 (x of either sign); p - y is the other two's. */
const ORDER_8_Y = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;

/**
 * The y coordinates of every point of small order (1, 2, 4 or 8): the identity (1), its negation
 * (p - 1), the order-4 points (0) and the order-8 points. Each with the sign bit clear or set
 * makes the eight known encodings of small-order points.
 */
const SMALL_ORDER_Y = new Set([0n, 1n, P - 1n, ORDER_8_Y, P - ORDER_8_Y]);

/** Why these 32 bytes are no public key to bind a pass to, or null when they may be one. */
export function weakEd25519Key(key: Uint8Array): string | null {
  if (key.length !== 32) return 'must be 32 bytes';
  let y = 0n;
  // Little-endian, the top bit being x's sign rather than part of y.
  for (let i = 31; i >= 0; i -= 1) y = (y << 8n) | BigInt(i === 31 ? key[i]! & 0x7f : key[i]!);
  if (y >= P) return 'is not a canonical encoding (y is not below 2^255 - 19)';
  if (SMALL_ORDER_Y.has(y)) return 'is a point of small order, which would verify forged signatures';
  return null;
}
