import { codeSignature } from '../../../src/codes/index.js';

/**
 * Codes this scanner read lately, and when: a second scan of one says so on the verdict (the same
 * person twice, a code handed back, or an offline code's screenshot replayed within its minute).
 * Codes and offline codes alike, by their signature, not their text: re-encoding a QR's CBOR or
 * adding or removing its COSE tag changes the text, not the signature (an offline code's phone
 * signature covers its 30-second step, so the same one again is the same presentation). Pure, the
 * clock passed in.
 */

/** A code scanned again within this is shown as seen before (a code lives at most an hour). */
export const SEEN_BEFORE_MS = 3_600_000;

export class SeenCodes {
  readonly #at = new Map<string, number>();

  constructor(private readonly windowMs = SEEN_BEFORE_MS) {}

  /** Notes `text` read at `now` (epoch ms); when it was read before within the window, that instant. */
  note(text: string, now: number): { seenAt?: string } {
    for (const [code, at] of this.#at) if (now - at > this.windowMs) this.#at.delete(code);
    const key = codeSignature(text);
    const before = this.#at.get(key);
    this.#at.set(key, now);
    return before === undefined ? {} : { seenAt: new Date(before).toISOString() };
  }
}
