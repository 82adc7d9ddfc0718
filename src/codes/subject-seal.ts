import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/** AES-GCM's nonce: 96 bits, drawn at random for each seal. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Nonces drawn from the system's generator at once: a draw for each seal cost a third of sealing. */
const NONCES_PER_DRAW = 256;

/**
 * A token's subject: the resident id sealed with AES-GCM under a fresh nonce, so two tokens of the
 * same person look unrelated to anyone but the service that holds the key.
 */
export class SubjectSeal {
  /** Random bytes for the next nonces; each slice is used once, then the whole is drawn again. */
  readonly #nonces = Buffer.alloc(NONCE_BYTES * NONCES_PER_DRAW);
  #next = NONCES_PER_DRAW;

  constructor(private readonly key: Buffer) {}

  seal(residentId: string): string {
    if (this.#next === NONCES_PER_DRAW) {
      randomFillSync(this.#nonces);
      this.#next = 0;
    }
    const iv = this.#nonces.subarray(this.#next * NONCE_BYTES, (this.#next + 1) * NONCE_BYTES);
    this.#next += 1;
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plain = Buffer.from(residentId.replace(/-/g, ''), 'hex');
    const out = Buffer.allocUnsafe(NONCE_BYTES + plain.length + TAG_BYTES);
    iv.copy(out, 0);
    let at = NONCE_BYTES + cipher.update(plain).copy(out, NONCE_BYTES);
    at += cipher.final().copy(out, at);
    cipher.getAuthTag().copy(out, at);
    return out.toString('base64url');
  }

  /** The resident a subject stands for, or undefined if it was not sealed with this key. */
  open(subject: string): string | undefined {
    try {
      const raw = Buffer.from(subject, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const hex = Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } catch {
      return undefined;
    }
  }
}
