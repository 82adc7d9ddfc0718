import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { mod11_2CheckCharacter } from '../../../src/domain/identity/check-digits.js';
import type { RegistrationInput } from '../../../src/domain/resident.js';
import { RegistrationService } from '../../../src/services/residents/registration-service.js';
import { SIGN_IN_LIMITS, SignInService } from '../../../src/services/residents/sign-in-service.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { lastCodeSentTo } from '../../support/sign-in.js';

/** A code's state when the form arrives, and what the form carries. */
interface Case {
  attempts: number;
  strangerAttempts: number;
  consumed: boolean;
  expired: boolean;
  ticket: 'own' | 'none';
  rightCode: boolean;
}

const aCase: fc.Arbitrary<Case> = fc.record({
  attempts: fc.integer({ min: 0, max: SIGN_IN_LIMITS.attemptsPerCode }),
  strangerAttempts: fc.integer({ min: 0, max: SIGN_IN_LIMITS.attemptsPerCode }),
  consumed: fc.boolean(),
  expired: fc.boolean(),
  ticket: fc.constantFrom('own' as const, 'none' as const),
  rightCode: fc.boolean(),
});

const NAMES = ['陈静', '王芳', '李娜', '刘洋', '张伟', '杨秀英'];

/** The n-th resident of Yuhang (330110), with a phone of their own. */
function yuhangResident(n: number): RegistrationInput {
  const first17 = `33011019${String(60 + (n % 40)).padStart(2, '0')}0${(n % 9) + 1}1${String(n % 9)}${String(n).padStart(3, '0').slice(-3)}`;
  return {
    name: NAMES[n % NAMES.length]!,
    idType: 'resident_id',
    idNumber: first17 + mod11_2CheckCharacter(first17),
    phone: `1390571${String(n).padStart(4, '0')}`,
    address: { region: '330110', detail: `五常街道 ${n} 号` },
  };
}

/** The obvious registration: every code proven (its attempts claimed, then compared), then used up in the transaction. */
function obvious(h: Harness): RegistrationService {
  const signIn = new SignInService(h.ctx);
  signIn.matching = async () => undefined;
  return new RegistrationService(h.ctx, h.services.residents, signIn, h.services.reclaims, h.services.audit);
}

/** A fresh code for `person`'s phone, put in `c`'s state; the form they then send. */
async function formFor(h: Harness, person: RegistrationInput, c: Case) {
  // The code just sent is the one row that was not there before: with a fixed clock, codes share their
  // created_at, and PostgreSQL returns ties in any order (an earlier case's untouched code was taken for it).
  const ids = async () => (await h.opened.store.db.selectFrom('sign_in_codes').select('id').execute()).map((r) => r.id);
  const before = new Set(await ids());
  const { ticket } = await h.services.signIn.requestSignInCode(person.phone!);
  const phone = `+86${person.phone}`;
  const code = await lastCodeSentTo(h, phone);
  const now = h.clock.now().getTime();
  const sent = (await ids()).filter((id) => !before.has(id));
  assert.equal(sent.length, 1, 'one code sent');
  const codeId = sent[0]!;
  await h.opened.store.db
    .updateTable('sign_in_codes')
    .set({ attempts: c.attempts, stranger_attempts: c.strangerAttempts, consumed_at: c.consumed ? now - 1000 : null, ...(c.expired ? { expires_at: now - 1 } : {}) })
    .where('id', '=', codeId)
    .execute();
  return { codeId, ...person, code: c.rightCode ? code : String((Number(code) + 1) % 1_000_000).padStart(6, '0'), ...(c.ticket === 'own' ? { ticket } : {}) };
}

/** What a registration answered, and what it left of the code: the same for both paths. */
async function outcome(h: Harness, service: RegistrationService, { codeId, ...form }: Awaited<ReturnType<typeof formFor>>) {
  let answer: string;
  try {
    await service.register(form);
    answer = 'registered';
  } catch (error) {
    answer = `${(error as Error).constructor.name} ${JSON.stringify((error as { standing?: unknown }).standing ?? null)}`;
  }
  const codes = await h.opened.store.db.selectFrom('sign_in_codes').select(['attempts', 'stranger_attempts', 'consumed_at']).where('id', '=', codeId).execute();
  const residents = await h.opened.store.db.selectFrom('residents').select('id').execute();
  return { answer, code: codes.map((c) => ({ attempts: c.attempts, strangerAttempts: c.stranger_attempts, consumed: c.consumed_at !== null })), residents: residents.length };
}

describeOnEachEngine('registration with a code found to match first', (h) => {
  it('answers and leaves the code exactly as proving it first does, whatever state the code is in', { timeout: 300_000 }, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(aCase, async (c) => {
        // Each path on a phone of its own, its code in the same state; the residents written counted before each.
        const before = (await h().opened.store.db.selectFrom('residents').select('id').execute()).length;
        const fast = await outcome(h(), h().services.registration, await formFor(h(), yuhangResident(n++), c));
        const slow = await outcome(h(), obvious(h()), await formFor(h(), yuhangResident(n++), c));
        assert.deepEqual({ ...fast, residents: fast.residents - before }, { ...slow, residents: slow.residents - fast.residents }, JSON.stringify({ c, fast, slow, before }));
      }),
      { numRuns: 40 },
    );
  });
});
