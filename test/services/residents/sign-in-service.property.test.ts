import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { MINUTE_MS } from '../../../src/domain/clock.js';
import { SignInService } from '../../../src/services/residents/sign-in-service.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';

type Step = { kind: 'wait'; ms: number } | { kind: 'check'; session: number } | { kind: 'sign-out'; session: number };

const SESSIONS = 3;
const step: fc.Arbitrary<Step> = fc.oneof(
  // Up to 40 minutes a wait: a session (an hour) lives through a few and ends within a run.
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 40 * MINUTE_MS }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('check' as const), session: fc.nat(SESSIONS - 1) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('sign-out' as const), session: fc.nat(SESSIONS - 1) }), weight: 1 },
);

/** What a check answers: the caller, or why it was refused. */
async function outcome(service: SignInService, token: string): Promise<string> {
  try {
    const { residentId, sessionId } = await service.authenticate(token);
    return `${residentId} ${sessionId}`;
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** The obvious check: a service that has seen no session yet, so reads the one asked for from the database. */
const fresh = (h: Harness) => new SignInService(h.ctx);

describeOnEachEngine('the session check a request gets', (h) => {
  it('answers from the sessions kept in memory exactly as from the database, across random waits and sign-outs', { timeout: 240_000 }, async () => {
    const residents = [(await h().services.residents.register(ZHANG_WEI)).id, (await h().services.residents.register(LIU_FANG)).id];
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 16 }), async (steps) => {
        // New sessions each run (two for one resident), checked once so the warm service keeps them.
        const at = h().clock.now().getTime();
        const sessions = await Promise.all([residents[0]!, residents[0]!, residents[1]!].map((id) => h().services.signIn.sessionFor(id, at)));
        const ids: string[] = [];
        for (const session of sessions) ids.push((await h().services.signIn.authenticate(session.token)).sessionId);
        for (const s of steps) {
          if (s.kind === 'wait') h().clock.advance(s.ms);
          // Signed out by another instance, as by another process: the kept session must hear of it.
          else if (s.kind === 'sign-out') await fresh(h()).signOut(ids[s.session]!);
          else {
            const token = sessions[s.session]!.token;
            assert.equal(await outcome(h().services.signIn, token), await outcome(fresh(h()), token), `after ${JSON.stringify(steps)} at ${h().clock.now().toISOString()}`);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
