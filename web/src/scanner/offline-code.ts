import { verifyPresentation, webCryptoVerify, type TrustList } from '../../../src/codes/index.js';
import { entryVerdict, type Colour, type EntryPolicy } from '../../../src/domain/index.js';
import { bearer, client, ok } from '../shared/api.js';
import { asVerdictReason, verdictAdvice, type ScannerState } from './refusals.js';
import type { Result } from './verdicts.js';

/**
 * The scanner's verdict on an offline code (JKO1, src/codes/offline-pass.ts): from the cached trust
 * lists alone, the colour its pass holds as of when it was decided; and, where the server can be
 * reached, the colour decided now. Pure but for the one call to the server.
 */

/** How long the guard waits for the server before the offline verdict stands: a gate cannot queue behind a slow network. */
export const ONLINE_CHECK_MS = 3000;

/** The venue's policy as the device was given it (/checkpoint/me). */
type DevicePolicy = { allowed: string[]; decidedWithinMinutes?: number | null };

/** Checked here against the lists: both signatures, the time step, the pass's expiry and the venue's policy. */
export async function offlineVerdict(text: string, trustList: TrustList, policy: DevicePolicy, state: ScannerState, now: number): Promise<Result> {
  const shown = await verifyPresentation(text, trustList, webCryptoVerify(), now);
  if (!shown.valid) return { colour: null, maskedName: null, validUntil: null, admitted: false, reason: shown.reason, method: 'qr', advice: verdictAdvice(shown.reason, state) };
  const { colour, maskedName, expiresAt, decidedAt } = shown.claims;
  const reason = entryVerdict(policy as EntryPolicy, colour, decidedAt * 1000, now);
  return {
    colour,
    maskedName,
    validUntil: new Date(expiresAt * 1000).toISOString(),
    admitted: reason === 'allowed',
    reason,
    method: 'qr',
    asOf: { time: new Date(decidedAt * 1000).toISOString(), offline: true },
    ...(reason === 'allowed' ? {} : { advice: verdictAdvice(reason, state) }),
  };
}

/**
 * The server's verdict, with the colour decided now (a resident turned red since the pass was
 * issued is refused): recorded by the server as an online scan. Null when the server cannot be
 * reached in time; a refusal by the server stands as its verdict.
 */
export async function onlineVerdict(credential: string, text: string, scanId: string, state: ScannerState): Promise<Result | null> {
  const answer = await ok(client.POST('/api/v1/checkpoint/verify', { headers: bearer(credential), body: { scanId, token: text.trim() }, signal: AbortSignal.timeout(ONLINE_CHECK_MS) })).catch(() => null);
  // A row the server could not read at all (its scan id, say) leaves the offline verdict standing.
  if (!answer || (answer.status === 'rejected' && answer.field !== undefined)) return null;
  return {
    colour: answer.colour as Colour | null,
    maskedName: answer.maskedName,
    validUntil: answer.validUntil,
    admitted: answer.admitted,
    reason: answer.reason,
    method: 'qr',
    ...(answer.decidedAt ? { asOf: { time: answer.decidedAt, offline: false } } : {}),
    ...(answer.admitted ? {} : { advice: verdictAdvice(asVerdictReason(answer.reason), state) }),
  };
}
