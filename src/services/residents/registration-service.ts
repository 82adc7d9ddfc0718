import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import { fixedPurpose } from '../../domain/audit-wording.js';
import { checkRegistration, type RegistrationInput } from '../../domain/resident.js';
import { isRegionCode } from '../../domain/regions.js';
import { servedRegionFor, type ServiceContext } from '../context.js';
import type { AuditService } from '../audit-service.js';
import type { IdentityReclaimsService } from './identity-reclaims-service.js';
import type { DependentSummary, ResidentSummary, ResidentsService } from './residents-service.js';
import { ConflictError, IdentityTakenError, SignInCodeError } from '../service-errors.js';
import { CodeRacedError, type Session, type SignInService } from './sign-in-service.js';

/**
 * Registration as the API offers it. It starts with proof of the phone (the one-time code sent to
 * it), so a stranger cannot probe which ID numbers are registered without holding a phone and using
 * up its codes; a document another account holds opens a reclaim for the caller and reveals nothing
 * about that account. Adding a household member reveals not even that.
 */
export class RegistrationService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly residents: ResidentsService,
    private readonly signIn: SignInService,
    private readonly reclaims: IdentityReclaimsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Registers with the code sent to the phone; the resident is signed in at once. `admit` is asked once the phone's code is proven and before anything is written: the caller's limit on
   * registrations counts only those whose code was right, so wrong guesses use up no one else's.
   */
  async register(input: RegistrationInput & { code: string; ticket?: string }, admit: () => Promise<void> = async () => undefined): Promise<{ resident: ResidentSummary; session: Session }> {
    // The form is checked before the code, so a typo costs none of the code's attempts.
    const registration = checkRegistration(input, this.ctx.clock.now(), true);
    servedRegionFor(this.ctx, registration.address.region, 'address.region');
    // Before the code is tried, so that a refusal costs none of its attempts.
    await this.ctx.endedRegions.refuse(registration.address.region);
    const phone = registration.phone!;
    // A code that matches is used up, with its attempt taken, in the registration's transaction (one
    // commit, not two); any other is proven as before, which takes the attempts and says what is wrong.
    const matched = await this.signIn.matching(phone, input.code, input.ticket);
    const proof = matched ?? (await this.signIn.prove(phone, input.code, input.ticket));
    // The caller holds this phone: they may learn it has an account, and sign in with the same code.
    // The proof looked the phone up to find its codes: not asked again (a race past it meets the unique index).
    if (proof.holderId !== undefined) throw new ConflictError('this phone already has an account: sign in with it instead', 'phone');
    await admit();
    let resident: ResidentSummary;
    // The code is used up, and the session's row written, in the registration's transaction: one
    // commit for the three, not three. A registration that fails leaves the code as it was (the
    // person tries again without another SMS); two racing with one code meet at its row, and one fails.
    let session: { committed(): Session } | undefined;
    const useUp = (trx?: Transaction<Database>) => (proof === matched ? this.signIn.useUpIn(trx, matched) : this.signIn.consume(proof, trx));
    try {
      resident = await this.residents.registerChecked(registration, {
        phoneVerifiedAt: proof.at,
        alongside: async (trx, residentId) => {
          await useUp(trx);
          // The script the registration code was asked in: the new resident's texts take it.
          await this.ctx.stores.residents.withTransaction(trx).rememberSmsScript(residentId, proof.script, proof.at);
          session = await this.signIn.openSessionIn(trx, residentId, proof.at, { keepInMemory: true });
        },
      });
    } catch (error) {
      if (!(error instanceof IdentityTakenError)) throw await this.raced(error, phone, input);
      // The code proved the phone for the claim it opens: used up by it, as by a registration.
      await useUp().catch(async (raced: unknown) => {
        throw await this.raced(raced, phone, input);
      });
      throw new IdentityTakenError(await this.reclaims.open({ registration, phoneProvenAt: proof.at, smsScript: proof.script }));
    }
    return { resident, session: session!.committed() };
  }

  /**
   * What to throw for `error`: itself, unless it tells that a matched code was used or tried out
   * since it was read; then proving the code again takes an attempt and says which.
   */
  private async raced(error: unknown, phone: string, input: { code: string; ticket?: string }): Promise<unknown> {
    if (!(error instanceof CodeRacedError)) return error;
    await this.signIn.prove(phone, input.code, input.ticket);
    return new SignInCodeError('this code was already used: request a new one', { reason: 'code-used' });
  }

  /**
   * Adds a household member. The answer is the same whether their document is free or another
   * account holds it: then the member is added holding no identity, and a claim opens for the
   * authority to settle out of band, so that adding relatives cannot probe who is registered.
   */
  async addDependent(guardianId: string, input: RegistrationInput & { relationship: string }): Promise<DependentSummary> {
    if (isRegionCode(input.address?.region ?? '')) servedRegionFor(this.ctx, input.address.region, 'address.region');
    let reclaimId: string | undefined;
    const { claimed, ...dependent } = await this.residents.addDependent(guardianId, input, async (trx, claim) => {
      reclaimId = await this.reclaims.openForHousehold(trx, claim);
    });
    // The relative's access log reads the same either way; the claim is logged on the holder's.
    await this.audit.append('household', 'add-household-member', fixedPurpose('household-member-added'), guardianId, { dependentId: dependent.id });
    if (claimed) await this.reclaims.announceHouseholdClaim(reclaimId!);
    return dependent;
  }
}
