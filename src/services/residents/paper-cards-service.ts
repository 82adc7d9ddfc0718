import { cardReference, newCardId, readCardReference } from '../../codes/paper-card-reference.js';
import { fixedPurpose, type AuditAction } from '../../domain/audit-wording.js';
import { HOUR_MS } from '../../domain/clock.js';
import { InvalidInputError } from '../../domain/field-errors.js';
import { checkIdentity, type IdentityInput } from '../../domain/identity/identity-document.js';
import { maskName } from '../../domain/masking.js';
import { cardExpiry, cardRefusal, type CardRefusal, type CardScript } from '../../domain/residents/paper-card.js';
import { deriveSubkey } from '../../privacy/field-cipher.js';
import { staffActor, type AuditService } from '../audit-service.js';
import { limitsOf, type ServiceContext } from '../context.js';
import { spend } from '../rate-limiter.js';
import { ConflictError, NotFoundError } from '../service-errors.js';
import { answersFor, type StaffMember } from '../staff-service.js';
import { printCard } from './paper-card-printer.js';

/** A card just printed: the PDF to hand over, and what it says. */
export interface PrintedCard {
  pdf: Buffer;
  maskedName: string;
  /** Epoch ms. */
  issuedAt: number;
  expiresAt: number;
  /** Whether printing revoked a card printed before. */
  replacedEarlier: boolean;
}

/** A resident's latest card as a screen shows it (never its reference: a screen that leaked it would leak the card). */
export interface CardStatus {
  issuedAt: number;
  expiresAt: number;
  expired: boolean;
  /** Epoch ms the card was revoked, or null while it is live. */
  revokedAt: number | null;
}

/** A card reference presented at a gate: whose card it is, or why it is refused. */
export type ResolvedCard = { ok: true; residentId: string; expiresAt: number } | { ok: false; reason: CardRefusal; residentId: string | null };

/**
 * Paper cards for people without a phone, printed by a guardian for a household member (the route
 * lets in only the resident or their guardian) or by staff at a service point who see the person's
 * document. Printing again revokes the card before; every print and revocation is in the access log.
 */
export class PaperCardsService {
  readonly #key: Buffer;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly audit: AuditService,
  ) {
    this.#key = deriveSubkey(Buffer.from(ctx.sessionKey), 'paper card reference');
  }

  /** A card printed in the resident app, by the resident or their guardian (`actorId`). */
  async printForHousehold(actorId: string, residentId: string, script?: CardScript): Promise<PrintedCard> {
    const printed = await this.issue(residentId, `resident:${actorId}`, script);
    await this.audit.append(`resident:${actorId}`, 'print-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: actorId === residentId ? 'self' : 'guardian', replacedEarlier: printed.replacedEarlier });
    return printed;
  }

  /** A card printed at a service point, for the holder of the document the staff member sees. */
  async printAtServicePoint(staff: StaffMember, input: IdentityInput, script?: CardScript): Promise<PrintedCard> {
    const residentId = await this.holderOf(staff, input, 'print-paper-card-refused');
    const printed = await this.issue(residentId, staffActor(staff), script);
    await this.audit.appendBy(staff, 'print-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: 'service-point', replacedEarlier: printed.replacedEarlier });
    return printed;
  }

  /** The resident's latest card: live, or revoked (a revoked card is not "no card": its holder may still carry it). */
  async status(residentId: string): Promise<CardStatus | null> {
    // The live card first: a card replaced within the same millisecond is as recent as its replacement.
    const card = (await this.ctx.stores.paperCards.live(residentId)) ?? (await this.ctx.stores.paperCards.latest(residentId));
    if (!card) return null;
    return { issuedAt: card.issued_at, expiresAt: card.expires_at, expired: this.ctx.clock.now().getTime() >= card.expires_at, revokedAt: card.revoked_at };
  }

  /**
   * The live card printed again, as it was: same reference, same dates, so the card in the holder's
   * hand keeps working (a lost PDF, a torn print). Logged as a print. None live, or expired: not found.
   */
  async copyForHousehold(actorId: string, residentId: string, script?: CardScript): Promise<PrintedCard> {
    const copy = await this.copy(residentId, script);
    await this.audit.append(`resident:${actorId}`, 'print-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: actorId === residentId ? 'self' : 'guardian', copy: true });
    return copy;
  }

  /**
   * The card of the document's holder as a service point finds it, before printing it again or
   * replacing it: whose it is (masked) and its latest card, live or revoked. Logged, as a print is.
   */
  async findAtServicePoint(staff: StaffMember, input: IdentityInput): Promise<{ maskedName: string; card: CardStatus | null }> {
    const residentId = await this.holderOf(staff, input, 'find-paper-card-refused');
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!resident) throw new NotFoundError('resident with this identity document in the region you answer for');
    await this.audit.appendBy(staff, 'find-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: 'service-point' });
    return { maskedName: maskName(resident.name), card: await this.status(residentId) };
  }

  /**
   * The live card of the document's holder printed again at a service point, as it was (a damaged
   * printout): the card in their hand keeps working. A lost card is replaced instead
   * (printAtServicePoint), which revokes it.
   */
  async copyAtServicePoint(staff: StaffMember, input: IdentityInput, script?: CardScript): Promise<PrintedCard> {
    const residentId = await this.holderOf(staff, input, 'print-paper-card-refused');
    const copy = await this.copy(residentId, script);
    await this.audit.appendBy(staff, 'print-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: 'service-point', copy: true });
    return copy;
  }

  /** The live card rendered again with its own reference and dates (in either script: the words change, not the card). None live, or expired: not found. */
  private async copy(residentId: string, script?: CardScript): Promise<PrintedCard> {
    const card = await this.ctx.stores.paperCards.live(residentId);
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!card || !resident || this.ctx.clock.now().getTime() >= card.expires_at) throw new NotFoundError('live paper card');
    const maskedName = maskName(resident.name);
    const pdf = await printCard({ maskedName, reference: cardReference(card.id, this.#key), issuedAt: card.issued_at, expiresAt: card.expires_at, timeZone: this.ctx.settings.timeZone, script });
    return { pdf, maskedName, issuedAt: card.issued_at, expiresAt: card.expires_at, replacedEarlier: false };
  }

  /** Revokes the resident's live card from the resident app; false if there was none. */
  async revokeForHousehold(actorId: string, residentId: string): Promise<boolean> {
    return this.revoke(residentId, `resident:${actorId}`, () => this.audit.append(`resident:${actorId}`, 'revoke-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: actorId === residentId ? 'self' : 'guardian' }));
  }

  /** Revokes the live card of the document's holder at a service point; false if there was none. */
  async revokeAtServicePoint(staff: StaffMember, input: IdentityInput): Promise<boolean> {
    const residentId = await this.holderOf(staff, input, 'revoke-paper-card-refused');
    return this.revoke(residentId, staffActor(staff), () => this.audit.appendBy(staff, 'revoke-paper-card', fixedPurpose('paper-card-without-phone'), residentId, { by: 'service-point' }));
  }

  /**
   * Whose card a scanned reference is, as of now. A reference this server did not make (forged,
   * altered, another operator's) and a card no longer stored (its resident's data destroyed at a
   * sunset, or the account deleted) are alike unrecognised: neither says whose it was.
   */
  async resolve(reference: string): Promise<ResolvedCard> {
    const read = readCardReference(reference, this.#key);
    if (!read.ok) return { ok: false, reason: 'card-unrecognised', residentId: null };
    const card = await this.ctx.stores.paperCards.findById(read.cardId);
    if (!card) return { ok: false, reason: 'card-unrecognised', residentId: null };
    const refusal = cardRefusal({ expiresAt: card.expires_at, revokedAt: card.revoked_at, identityDisputed: await this.identityDisputed(card.resident_id) }, this.ctx.clock.now().getTime());
    return refusal ? { ok: false, reason: refusal, residentId: card.resident_id } : { ok: true, residentId: card.resident_id, expiresAt: card.expires_at };
  }

  private async issue(residentId: string, actor: string, script?: CardScript): Promise<PrintedCard> {
    const resident = await this.ctx.stores.residents.findById(residentId);
    if (!resident) throw new NotFoundError('resident');
    if (await this.identityDisputed(residentId)) {
      throw new ConflictError('the identity document given for this person is held by another account: an authority checks whose it is before a card can be printed');
    }
    // A region whose sunset was approved takes no new personal data, and hands out no new card.
    await this.ctx.endedRegions.refuse(resident.address.region);
    const issuedAt = this.ctx.clock.now().getTime();
    const card = { id: newCardId(), resident_id: residentId, issued_at: issuedAt, expires_at: cardExpiry(issuedAt), issued_by: actor };
    const maskedName = maskName(resident.name);
    // Rendered before storing: a card that cannot be printed (no font) revokes nobody's card.
    const pdf = await printCard({ maskedName, reference: cardReference(card.id, this.#key), issuedAt, expiresAt: card.expires_at, timeZone: this.ctx.settings.timeZone, script });
    const replaced = await this.ctx.stores.paperCards.issue(card);
    return { pdf, maskedName, issuedAt, expiresAt: card.expires_at, replacedEarlier: replaced > 0 };
  }

  private async revoke(residentId: string, actor: string, log: () => Promise<unknown>): Promise<boolean> {
    const revoked = await this.ctx.stores.paperCards.revokeLive(residentId, actor, this.ctx.clock.now().getTime());
    if (revoked) await log();
    return revoked !== undefined;
  }

  /**
   * Whether the resident is a household member added while their claim to a document another account
   * holds waits (pending or proposed): until an authority settles it, their name may be a stranger's.
   */
  private async identityDisputed(residentId: string): Promise<boolean> {
    return (await this.ctx.stores.reclaims.claimedIndexes([residentId])).has(residentId);
  }

  /**
   * The resident holding the document staff see, in a region they answer for; a miss is logged, as a
   * gate's is. A holder outside the staff member's region is answered as a miss: a 403 naming the
   * district would tell another region who is registered, and where. Look-ups are counted per
   * credential before any work, as a gate's ID checks are.
   */
  private async holderOf(staff: StaffMember, input: IdentityInput, miss: AuditAction): Promise<string> {
    const identity = checkIdentity(input, this.ctx.clock.now());
    if (!identity.ok) throw new InvalidInputError([{ field: identity.field, message: identity.message }]);
    const { cardLookupsPerStaffPerHour: max } = limitsOf(this.ctx);
    await spend(this.ctx.limiter, `card-lookups-staff:${staff.id}`, max, HOUR_MS, `at most ${max} card look-ups by ID number an hour from one credential`);
    const holder = await this.ctx.stores.residentLookups.findByIdentityKey(identity.value.key);
    if (!holder || !answersFor(staff, holder.region)) {
      await this.audit.appendBy(staff, miss, fixedPurpose('paper-card-without-phone'), null, { idType: identity.value.type });
      throw new NotFoundError('resident with this identity document in the region you answer for');
    }
    return holder.id;
  }
}
