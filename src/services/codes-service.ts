import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { signToken } from '../codes/token-signer.js';
import { maskName } from '../domain/masking.js';
import type { Decision } from '../domain/rules/decide.js';
import type { ServiceContext } from './context.js';
import type { DecisionsService } from './decisions-service.js';
import type { KeysService } from './keys-service.js';
import type { ResidentsService } from './residents-service.js';

export interface IssuedCode {
  decision: Decision;
  token: string;
  maskedName: string;
  issuedAt: number;
  expiresAt: number;
}

/** Issues a resident's current code: decide, then sign a short-lived token; and renders it as a QR image. */
export class CodesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly residents: ResidentsService,
    private readonly decisions: DecisionsService,
    private readonly keys: KeysService,
  ) {}

  async issue(residentId: string): Promise<IssuedCode> {
    const resident = await this.residents.get(residentId);
    const decision = await this.decisions.decide(residentId, 'code shown');
    const key = await this.keys.activeKey(resident.address.region);
    const issuedAt = Math.floor(this.ctx.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.ctx.settings.tokenTtlSeconds;
    const maskedName = maskName(resident.name);
    const token = signToken(key, {
      subject: this.sealSubject(residentId),
      issuedAt,
      notBefore: issuedAt,
      expiresAt,
      colour: decision.colour,
      mark: decision.mark,
      maskedName,
    });
    return { decision, token, maskedName, issuedAt: issuedAt * 1000, expiresAt: expiresAt * 1000 };
  }

  /**
   * The token's subject: the resident id sealed with AES-GCM under a fresh nonce, so two tokens of the
   * same person look unrelated to anyone but this service.
   */
  sealSubject(residentId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.ctx.subjectKey, iv);
    const body = Buffer.concat([cipher.update(Buffer.from(residentId.replace(/-/g, ''), 'hex')), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The resident a token subject stands for, or undefined if it was not sealed by this service. */
  openSubject(subject: string): string | undefined {
    try {
      const raw = Buffer.from(subject, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.ctx.subjectKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const hex = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } catch {
      return undefined;
    }
  }
}

/** QR images of a token; the text is all base45, so the QR library picks alphanumeric mode. */
export async function renderQr(token: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  return format === 'svg' ? QRCode.toString(token, { ...options, type: 'svg' }) : QRCode.toBuffer(token, { ...options, type: 'png', scale: 8 });
}
