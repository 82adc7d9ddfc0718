import { verifyPresentation, webCryptoVerify, type TrustList } from '../../../src/codes/index.js';
import { entryVerdict, type Colour, type EntryPolicy } from '../../../src/domain/index.js';
import { ApiError, bearer, client, ok } from '../shared/api.js';
import type { paths } from '../shared/api-schema.js';
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

/** The server's answer to /checkpoint/verify, as far as a verdict reads it. */
type VerifyAnswer = paths['/api/v1/checkpoint/verify']['post']['responses'][200]['content']['application/json'];

/**
 * The server's verdict, with the colour decided now (a resident turned red since the pass was
 * issued is refused): recorded by the server as an online scan. Null when the server cannot be
 * reached in time; a refusal by the server stands as its verdict.
 */
export async function onlineVerdict(credential: string, text: string, scanId: string, state: ScannerState): Promise<Result | null> {
  const asked = await ok(client.POST('/api/v1/checkpoint/verify', { headers: bearer(credential), body: { scanId, token: text.trim() }, signal: AbortSignal.timeout(ONLINE_CHECK_MS) })).then(
    (answer) => ({ answer }),
    (failed: unknown) => ({ failed }),
  );
  return serverVerdict(asked, state);
}

/**
 * What the server's answer makes of an offline code. Only a server that could not answer (no
 * network, too slow, its own fault: 5xx) leaves the offline verdict standing (null); any answer it
 * gave, a verdict or a 4xx refusal, is final, so a pass the server no longer honours cannot be let
 * in on the colour it still carries.
 */
export function serverVerdict(asked: { answer: VerifyAnswer } | { failed: unknown }, state: ScannerState): Result | null {
  if ('failed' in asked) {
    const { failed } = asked;
    if (!(failed instanceof ApiError) || failed.status >= 500) return null;
    const reason = asVerdictReason(failed.reason);
    return { colour: null, maskedName: null, validUntil: null, admitted: false, reason, method: 'qr', advice: verdictAdvice(reason, state) };
  }
  const { answer } = asked;
  // A row the server could not read (its scan id, say) is refused too: not a colour to admit on.
  const reason = answer.status === 'rejected' && answer.field !== undefined ? asVerdictReason(answer.reason) : answer.reason;
  const admitted = answer.admitted && reason === 'allowed';
  return {
    colour: answer.colour as Colour | null,
    maskedName: answer.maskedName,
    validUntil: answer.validUntil,
    admitted,
    reason,
    method: 'qr',
    ...(answer.decidedAt ? { asOf: { time: answer.decidedAt, offline: false } } : {}),
    ...(admitted ? {} : { advice: verdictAdvice(asVerdictReason(reason), state) }),
  };
}
