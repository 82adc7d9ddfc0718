import { PRESENTATION_REJECTIONS } from '../../../src/codes/index.js';
import { CARD_REFUSALS, HOLDER_REFUSALS } from '../../../src/domain/index.js';
import type { MessageKey } from '../shared/messages.js';

/**
 * What a guard is told when the scanner does not admit someone, or cannot check codes: plain words
 * for what happened and the steps the guard can take next, never the verifier's own terms (a key id,
 * a signature). Pure: the screens look the words up by the keys given here.
 */

/** Every reason a verdict can give for not admitting: the verifiers' (codes and offline codes), the venue's entry policy, the server's on a code's holder, and a paper card's look-up. */
export const VERDICT_REASONS = [...PRESENTATION_REJECTIONS, 'colour-not-admitted', 'decided-too-long-ago', ...HOLDER_REFUSALS, ...CARD_REFUSALS, 'card-needs-network'] as const;
export type VerdictReason = (typeof VERDICT_REASONS)[number];

/** Why the scanner did not take a trust list it was offered (web/src/scanner/trust.ts). */
export const LIST_REFUSALS = ['no-hub-key', 'no-operator-key', 'bad-signature', 'expired', 'older'] as const;
export type ListRefusal = (typeof LIST_REFUSALS)[number];

/** What stops the scanner working at all: its pairing no longer holds. */
export const CHECKPOINT_DEVICE_PROBLEMS = ['device-unpaired'] as const;
export type CheckpointDeviceProblem = (typeof CHECKPOINT_DEVICE_PROBLEMS)[number];

/**
 * The steps a guard can take. Two are also buttons on the verdict: checking the person by ID
 * number, and updating the lists now.
 */
export const GUARD_STEPS = ['open-code', 'rescan', 'refresh-code', 'connect-phone', 'check-by-id', 'update-list', 'fix-clock', 'follow-colour', 'duty-officer', 'pair-again', 'retry-online', 'card-guardian'] as const;
export type GuardStep = (typeof GUARD_STEPS)[number];

export interface Advice {
  /** What happened, in the guard's words. */
  words: MessageKey;
  /** What to do next, the likeliest first. */
  steps: GuardStep[];
}

/** Where the scanner stands when it refuses: whether its lists of trusted issuers are up to date. */
export interface ScannerState {
  listsCurrent: boolean;
}

/** A scanner whose own list was last updated longer ago than this treats an unknown issuer as possibly new to it. */
export const LIST_CURRENT_FOR_MS = 12 * 3_600_000;

const VERDICTS: Record<Exclude<VerdictReason, 'unknown-key'>, Advice> = {
  'wrong-prefix': { words: 'reason.wrong-prefix', steps: ['open-code', 'check-by-id'] },
  'malformed-base45': { words: 'reason.malformed-base45', steps: ['rescan', 'refresh-code', 'check-by-id'] },
  'malformed-cbor': { words: 'reason.malformed-cbor', steps: ['rescan', 'refresh-code', 'check-by-id'] },
  'wrong-algorithm': { words: 'reason.wrong-algorithm', steps: ['check-by-id', 'duty-officer'] },
  'bad-signature': { words: 'reason.bad-signature', steps: ['check-by-id', 'duty-officer'] },
  'malformed-claims': { words: 'reason.malformed-claims', steps: ['refresh-code', 'check-by-id'] },
  expired: { words: 'reason.expired', steps: ['refresh-code', 'check-by-id'] },
  'not-yet-valid': { words: 'reason.not-yet-valid', steps: ['fix-clock', 'refresh-code', 'check-by-id'] },
  'colour-not-admitted': { words: 'reason.colour-not-admitted', steps: ['follow-colour', 'duty-officer'] },
  // A paper card is looked up online: the server's refusal, or no network to ask.
  'card-unrecognised': { words: 'reason.card-unrecognised', steps: ['check-by-id', 'duty-officer'] },
  'card-revoked': { words: 'reason.card-revoked', steps: ['check-by-id', 'duty-officer'] },
  'card-expired': { words: 'reason.card-expired', steps: ['check-by-id'] },
  // The document's real holder is found by its number; the card's bearer may not be them.
  'card-identity-disputed': { words: 'reason.card-identity-disputed', steps: ['check-by-id', 'duty-officer'] },
  // Not a refusal: the card was not checked at all, and nothing was kept to send later.
  'card-needs-network': { words: 'reason.card-needs-network', steps: ['retry-online', 'duty-officer'] },
  'stale-presentation': { words: 'reason.stale-presentation', steps: ['refresh-code', 'fix-clock', 'check-by-id'] },
  'device-signature': { words: 'reason.device-signature', steps: ['check-by-id', 'duty-officer'] },
  'decided-too-long-ago': { words: 'reason.decided-too-long-ago', steps: ['connect-phone', 'check-by-id'] },
  // The server no longer holds the code's resident: the code proves nothing, and an ID check finds them if they moved here again.
  'holder-gone': { words: 'reason.holder-gone', steps: ['check-by-id', 'duty-officer'] },
};

/**
 * Why a paper card was not admitted. Its holder has no app to say why their colour is what it is:
 * the guard sends them to their guardian or a service point instead.
 */
export function paperCardAdvice(reason: VerdictReason, state: ScannerState): Advice {
  if (reason === 'colour-not-admitted') return { words: 'reason.colour-not-admitted', steps: ['card-guardian', 'duty-officer'] };
  return verdictAdvice(reason, state);
}

/**
 * Why a code was refused and what to do. A code from an issuer the scanner does not know is either
 * from a health-code office its lists are too old to hold (update them), or not from one at all.
 */
export function verdictAdvice(reason: VerdictReason, state: ScannerState): Advice {
  if (reason === 'unknown-key') {
    return state.listsCurrent
      ? { words: 'reason.unknown-key', steps: ['check-by-id', 'duty-officer'] }
      : { words: 'reason.unknown-key-stale', steps: ['update-list', 'check-by-id'] };
  }
  return VERDICTS[reason];
}

/** The reasons a verifier can give, narrowed from a string saved or received (an unknown one reads as damaged). */
export function asVerdictReason(reason: string): VerdictReason {
  return (VERDICT_REASONS as readonly string[]).includes(reason) ? (reason as VerdictReason) : 'malformed-claims';
}

const LISTS: Record<ListRefusal, Advice> = {
  'no-hub-key': { words: 'listRefused.no-hub-key', steps: ['duty-officer'] },
  'no-operator-key': { words: 'listRefused.no-operator-key', steps: ['update-list', 'duty-officer'] },
  'bad-signature': { words: 'listRefused.bad-signature', steps: ['duty-officer'] },
  expired: { words: 'listRefused.expired', steps: ['update-list', 'duty-officer'] },
  older: { words: 'listRefused.older', steps: ['update-list', 'duty-officer'] },
};

export function listAdvice(refused: string): Advice {
  return LISTS[(LIST_REFUSALS as readonly string[]).includes(refused) ? (refused as ListRefusal) : 'bad-signature'];
}

export function checkpointDeviceAdvice(problem: CheckpointDeviceProblem): Advice {
  return { words: `device.${problem}`, steps: ['pair-again'] };
}

/** Whether the lists the scanner verifies with are current at `now`: its own updated recently, and the national one (if held) not expired. */
export function listsCurrent(ownGeneratedAtSeconds: number, nationalExpired: boolean, now: number): boolean {
  return !nationalExpired && now - ownGeneratedAtSeconds * 1000 <= LIST_CURRENT_FOR_MS;
}

export const stepKey = (step: GuardStep): MessageKey => `step.${step}`;

