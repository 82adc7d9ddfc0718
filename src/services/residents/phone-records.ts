import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { PhoneRecordsMove } from '../../store/residents/resident-insert.js';
import type { ServiceContext } from '../context.js';
import { SIGN_IN_CODE_INDEX } from './sign-in-service.js';

/**
 * A phone has just registered in `region`: the one-time codes and messages sent to it while no
 * account used it, indexed under the master key, go under the district's key, so that the district's
 * sunset leaves nothing that confirms the phone.
 */
export async function placePhoneRecords(ctx: ServiceContext, phone: string, region: string, trx?: Transaction<Database>): Promise<void> {
  const { signIn, outbox } = ctx.stores;
  // In the transaction that registers the phone, when there is one: both are stored, or neither.
  await (trx ? signIn.withTransaction(trx) : signIn).moveSignInCodes(ctx.cipher.unplacedIndex(SIGN_IN_CODE_INDEX, phone), ctx.cipher.regionIndex(region, SIGN_IN_CODE_INDEX, phone));
  await (trx ? outbox.withTransaction(trx) : outbox).place(phone, region);
}

/** Where a phone registering in `region` has its records, and where its sign-in codes go: what the registration's insert moves with it. */
export function phoneRecordsMove(ctx: ServiceContext, phone: string, region: string): PhoneRecordsMove {
  return { codesFrom: ctx.cipher.unplacedIndex(SIGN_IN_CODE_INDEX, phone), codesTo: ctx.cipher.regionIndex(region, SIGN_IN_CODE_INDEX, phone), messageIndexes: ctx.stores.outbox.unplacedIndexes(phone) };
}

/** Every index a phone's sign-in codes may stand under: each district key held, or none yet. */
export function signInCodeIndexes(ctx: Pick<ServiceContext, 'cipher'>, phone: string): string[] {
  return ctx.cipher.lookupIndexes(SIGN_IN_CODE_INDEX, phone);
}
