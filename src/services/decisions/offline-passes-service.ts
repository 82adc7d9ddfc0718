import { weakEd25519Key } from '../../codes/ed25519-public-key.js';
import { signOfflinePass } from '../../codes/token-signer.js';
import { base64UrlToBytes, bytesToBase64Url } from '../../codes/trust-list.js';
import type { Colour, Mark } from '../../domain/colour.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { DEFAULT_OFFLINE_PASS_MAX_SECONDS } from '../../config.js';
import type { ServiceContext } from '../context.js';
import type { KeysService } from '../keys-service.js';
import type { DecisionsService } from './decisions-service.js';

/** A raw Ed25519 public key, base64url without padding: 32 bytes. */
const PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedOfflinePass {
  /** The signed pass (COSE_Sign1), base64url: the phone keeps it and signs presentations of it. */
  pass: string;
  colour: Colour;
  mark: Mark | null;
  maskedName: string;
  /** Epoch ms: when the server vouched for the colour, the issue. */
  decidedAt: number;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Issues offline passes (src/codes/offline-pass.ts): the resident's current decision, signed with
 * the region's code key, bound to the public key the phone holds. A pass ends at the decision's
 * `valid_until` (when time alone could change the colour) or after the configured maximum,
 * whichever is sooner. The phone proves nothing here: a key it does not hold only makes a pass it
 * cannot present.
 */
export class OfflinePassesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly keys: KeysService,
  ) {}

  async issue(residentId: string, input: { publicKey: string }): Promise<IssuedOfflinePass> {
    if (typeof input.publicKey !== 'string' || !PUBLIC_KEY.test(input.publicKey) || base64UrlToBytes(input.publicKey).length !== 32) {
      throw new InvalidInputError([{ field: 'publicKey', message: 'must be a raw Ed25519 public key (32 bytes), base64url without padding' }]);
    }
    // A small-order key verifies a forged presentation for every step: a pass bound to one proves no phone.
    const weak = weakEd25519Key(base64UrlToBytes(input.publicKey));
    if (weak) throw new InvalidInputError([{ field: 'publicKey', message: weak }]);
    const now = this.ctx.clock.now().getTime();
    // The stored decision is current unless a changed fact still waits to be decided (a drain
    // cut short, a batch under way): then it is decided afresh, so that the pass vouches for now.
    const pending = (await this.ctx.stores.redecisions.take(1, [residentId])).length > 0;
    const { decision, maskedName, region, validUntil } = await this.decisions.current(residentId, pending ? null : undefined);
    // From a sunset's approval on, no pass of the region is made: one would outlive the run by up to its maximum.
    await this.ctx.endedRegions.refuse(region);
    const issuedAt = Math.floor(now / 1000);
    const longest = issuedAt + (this.ctx.settings.offlinePassMaxSeconds ?? DEFAULT_OFFLINE_PASS_MAX_SECONDS);
    const expiresAt = Math.min(longest, Math.floor(validUntil / 1000));
    // The colour as of issue: the server vouches that nothing since its decision has changed it,
    // so a colour unchanged for hours is not "decided long ago" to a venue's policy.
    const decidedAt = issuedAt;
    const key = await this.keys.activeKey(region);
    const pass = signOfflinePass(key, {
      subject: this.ctx.subjects.seal(residentId),
      issuedAt,
      expiresAt,
      decidedAt,
      colour: decision.colour,
      mark: decision.mark,
      maskedName,
      deviceKey: input.publicKey,
    });
    return { pass: bytesToBase64Url(pass), colour: decision.colour, mark: decision.mark, maskedName, decidedAt: decidedAt * 1000, issuedAt: issuedAt * 1000, expiresAt: expiresAt * 1000 };
  }
}
