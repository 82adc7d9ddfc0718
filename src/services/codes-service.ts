import QRCode from 'qrcode';
import { signToken } from '../codes/token-signer.js';
import type { Decision } from '../domain/rules/decide.js';
import type { ServiceContext } from './context.js';
import type { DecisionsService } from './decisions-service.js';
import type { KeysService } from './keys-service.js';

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
    private readonly decisions: DecisionsService,
    private readonly keys: KeysService,
  ) {}

  /** The resident's current decision (stored on write, read as one row) signed into a short-lived token. */
  async issue(residentId: string): Promise<IssuedCode> {
    const { decision, maskedName, region } = await this.decisions.current(residentId);
    const key = await this.keys.activeKey(region);
    const issuedAt = Math.floor(this.ctx.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.ctx.settings.tokenTtlSeconds;
    const token = signToken(key, {
      subject: this.ctx.subjects.seal(residentId),
      issuedAt,
      notBefore: issuedAt,
      expiresAt,
      colour: decision.colour,
      mark: decision.mark,
      maskedName,
    });
    return { decision, token, maskedName, issuedAt: issuedAt * 1000, expiresAt: expiresAt * 1000 };
  }
}

/** QR images of a token; the text is all base45, so the QR library picks alphanumeric mode. */
export async function renderQr(token: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  return format === 'svg' ? QRCode.toString(token, { ...options, type: 'svg' }) : QRCode.toBuffer(token, { ...options, type: 'png', scale: 8 });
}
