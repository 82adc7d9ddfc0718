import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A token's subject: the resident id sealed with AES-GCM under a fresh nonce, so two tokens of the
 * same person look unrelated to anyone but the service that holds the key.
 */
export class SubjectSeal {
  constructor(private readonly key: Buffer) {}

  seal(residentId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(Buffer.from(residentId.replace(/-/g, ''), 'hex')), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The resident a subject stands for, or undefined if it was not sealed with this key. */
  open(subject: string): string | undefined {
    try {
      const raw = Buffer.from(subject, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const hex = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } catch {
      return undefined;
    }
  }
}
