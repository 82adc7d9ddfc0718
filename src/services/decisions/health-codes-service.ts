import QRCode from 'qrcode';
import { signToken } from '../../codes/token-signer.js';
import type { Decision } from '../../domain/rules/decide.js';
import { DEFAULT_CACHE_ENTRIES } from '../../config.js';
import type { ServiceContext } from '../context.js';
import type { DecisionsService } from './decisions-service.js';
import { InvalidatedCache } from './invalidated-cache.js';
import type { KeysService } from '../keys-service.js';
import type { CodeViewRead } from '../../store/decisions/code-view-store.js';
import { withheldBy, type ResidentsService } from '../residents/residents-service.js';
import type { SessionReadAlong } from '../residents/sign-in-service.js';

export interface IssuedHealthCode {
  decision: Decision;
  token: string;
  maskedName: string;
  issuedAt: number;
  expiresAt: number;
}

/** A code as its view shows it: with whether the authority's records behind it are withheld (ResidentsService.recordsWithheld). */
export interface ViewedHealthCode {
  issued: IssuedHealthCode;
  withheld: boolean;
}

/** What the view read along with the caller's session (CodeViewStore), and the cache's watermark before that read. */
export interface CodeViewAhead {
  read: CodeViewRead;
  watermark: number;
  /** The facts' origin cache's watermark before that read (MovingService.originWatermark), when one was given. */
  originWatermark?: number;
}

/** A code shown, kept to be shown again while it may be. */
interface ShownHealthCode extends ViewedHealthCode {
  /** Shown again until this instant: past it, less than half the token's lifetime would remain. */
  reuseUntil: number;
  /** The decision's own end (`valid_until`): time alone may change it then. */
  decisionValidUntil: number;
}

/**
 * Issues a resident's current code: the decision kept for them, signed into a short-lived token; and
 * renders it as a QR image. A token is shown again, unchanged, while more than half its lifetime
 * remains and nothing it says may have changed: a new decision, rule set or signing key anywhere
 * drops it (the change feed). So every code shown has at least half its lifetime left, and a
 * refresh costs no signature.
 */
export class HealthCodesService {
  readonly #shown: InvalidatedCache<ShownHealthCode>;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly keys: KeysService,
    private readonly residents: ResidentsService,
  ) {
    this.#shown = new InvalidatedCache(ctx.database.changes, ctx.settings.cacheEntries ?? DEFAULT_CACHE_ENTRIES, (change) => {
      if (change.kind === 'decisions') return change.residentIds;
      return change.kind === 'rules' || change.kind === 'keys' || change.kind === 'region-ended' ? 'all' : undefined;
    });
  }

  /** The resident's current code: the one shown last while it may be shown again, else newly signed. */
  async issue(residentId: string): Promise<IssuedHealthCode> {
    return (await this.view(residentId)).issued;
  }

  /**
   * Reads what a view of `residentId`'s code needs along with the caller's session, in one statement,
   * when the code is not in memory (else the session is read alone).
   */
  readAlong(residentId: string, originWatermark?: () => number): SessionReadAlong<CodeViewAhead> {
    return async (sessionId, now) => {
      if (this.#reusable(residentId, this.ctx.clock.now().getTime()) !== undefined) return undefined;
      const watermark = this.#shown.watermark();
      const origin = originWatermark?.();
      const read = await this.ctx.stores.codeViews.read(residentId, sessionId, now);
      return read && { session: read.session, along: { read, watermark, originWatermark: origin } };
    };
  }

  /** The code shown last, while it may be shown again at `now`. */
  #reusable(residentId: string, now: number): ShownHealthCode | undefined {
    const shown = this.#shown.get(residentId);
    return shown && now >= shown.issued.issuedAt && now < shown.reuseUntil && now < shown.decisionValidUntil ? shown : undefined;
  }

  /**
   * The resident's current code and whether its records are withheld. Whether they are is kept with
   * the code: every write that changes it (a phone proven, a document checked or taken, a visitor's
   * phone replaced) is followed by a change to the resident's decision, which drops the code here,
   * and each of those writes only ends a withholding; so a process that has not heard yet withholds
   * more, never less. `ahead`: what readAlong read, used in place of reading again.
   */
  async view(residentId: string, ahead?: CodeViewAhead): Promise<ViewedHealthCode> {
    const now = this.ctx.clock.now().getTime();
    const shown = this.#reusable(residentId, now);
    if (shown !== undefined) {
      this.ctx.meter.codeShown(shown.issued.decision.colour, 'memory');
      return shown;
    }
    const before = ahead?.watermark ?? this.#shown.watermark();
    const { decision, maskedName, region, validUntil, decidedNow } = await this.decisions.current(residentId, ahead === undefined ? undefined : (ahead.read.status ?? null));
    // A decision made and stored just now is the newest there is: the change its own storing announced
    // does not make it stale. (Nothing else runs between that commit and this line.) What was read
    // ahead of it is older than that change, so the standing is read again then.
    const watermark = decidedNow ? this.#shown.watermark() : before;
    const withheld = ahead !== undefined && !decidedNow ? withheldBy(ahead.read.standing) : await this.residents.recordsWithheld(residentId);
    const key = await this.keys.activeKey(region);
    const issuedAt = Math.floor(now / 1000);
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
    const issued = { decision, token, maskedName, issuedAt: issuedAt * 1000, expiresAt: expiresAt * 1000 };
    const reuseUntil = (issuedAt + this.ctx.settings.tokenTtlSeconds / 2) * 1000;
    // The object kept is the one returned, now and while it is shown again: a view's body is kept by it (views.ts).
    const shownNow = { issued, withheld, reuseUntil, decisionValidUntil: validUntil };
    this.#shown.set(residentId, shownNow, watermark);
    this.ctx.meter.codeShown(decision.colour, 'database');
    return shownNow;
  }
}

/** QR images of a token; the text is all base45, so the QR library picks alphanumeric mode. */
export async function renderQr(token: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  return format === 'svg' ? QRCode.toString(token, { ...options, type: 'svg' }) : QRCode.toBuffer(token, { ...options, type: 'png', scale: 8 });
}
