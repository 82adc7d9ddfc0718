import { NetworkError, bearer, client, ok } from '../shared/api.js';
import { paperCardAdvice, verdictAdvice } from './refusals.js';
import type { Result } from './verdicts.js';

/**
 * A paper card read at the gate. It carries no colour, so there is nothing to verify here: the card
 * is sent to the server, which answers with the holder's colour now (as for an ID-number check), or
 * why it is refused. Offline, or when the request cannot get through, the guard is told plainly
 * that this card needs the network.
 */
export async function checkPaperCard(credential: string, card: string, scanId: string, online: boolean): Promise<Result> {
  const needsNetwork: Result = { colour: null, maskedName: null, validUntil: null, admitted: false, reason: 'card-needs-network', method: 'paper-card', advice: verdictAdvice('card-needs-network', { listsCurrent: true }) };
  if (!online) return needsNetwork;
  try {
    const r = await ok(client.POST('/api/v1/checkpoint/paper-card', { headers: bearer(credential), body: { scanId, card } }));
    return {
      colour: r.colour,
      maskedName: r.maskedName,
      // The colour is as decided now, not until the card lapses: no "valid until" beside it.
      validUntil: null,
      admitted: r.admitted,
      reason: r.reason,
      method: 'paper-card',
      ...(r.reason === 'allowed' ? {} : { advice: paperCardAdvice(r.reason, { listsCurrent: true }) }),
    };
  } catch (error) {
    if (error instanceof NetworkError) return needsNetwork;
    throw error;
  }
}
