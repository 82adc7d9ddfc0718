import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { TooManyRequestsError, UnauthenticatedError } from '../../src/services/service-errors.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { SIGN_IN_LIMITS } from '../../src/services/residents/sign-in-service.js';
import { describeOnEachEngine } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo } from '../support/sign-in.js';

describeOnEachEngine('guessing a sign-in code', (h) => {
  it('checks at most five of a hundred guesses sent at once, then refuses even the right code', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } })).statusCode, 202);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const wrong = Array.from({ length: 100 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(wrong.map((guess) => app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: guess } })));
    const checked = answers.filter((a) => a.statusCode === 401);
    assert.ok(checked.length <= SIGN_IN_LIMITS.attemptsPerCode, `${checked.length} guesses were compared with the code`);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 100 - checked.length, 'every other guess was refused unchecked');
    const right = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code } });
    assert.equal(right.statusCode, 429);
  });
});

describeOnEachEngine("a stranger asking for someone else's codes and guessing them", (h) => {
  const STRANGER = '10.66.0.1';
  const VICTIM = '10.77.0.1';

  it("cannot keep the holder out from any number of addresses: 5 codes, each guessed wrong 8 times by strangers without a ticket or with their own, and each time the holder signs in at once with her code and ticket", async () => {
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: DEFAULT_LIMITS } });
    try {
      await h().services.residents.register(ZHANG_WEI);
      // Each stranger's request comes from an address never seen before: no per-address limit bites.
      let addresses = 0;
      const fresh = () => `10.66.${Math.floor(++addresses / 250)}.${addresses % 250}`;
      const ask = async (from: string) => {
        let asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: from, payload: { phone: ZHANG_WEI.phone } });
        if (asked.statusCode === 429) {
          h().clock.advance(Number(asked.headers['retry-after']) * 1000);
          asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: from, payload: { phone: ZHANG_WEI.phone } });
        }
        assert.equal(asked.statusCode, 202, asked.body);
        return { ticket: asked.json<{ ticket: string }>().ticket, code: await lastCodeSentTo(h(), '+8613912345678') };
      };
      const guess = (from: string, code: string, ticket?: string) =>
        app.inject({ method: 'POST', url: '/api/v1/sign-in/session', remoteAddress: from, payload: { phone: ZHANG_WEI.phone, code, ticket } });
      for (let round = 0; round < 5; round++) {
        // Every other round a stranger asks a code first, to guess with a ticket of their own.
        const strangers = round % 2 === 1 ? (await ask(fresh())).ticket : undefined;
        const hers = await ask(VICTIM);
        const answers: number[] = [];
        for (let i = 1; i <= 8; i++) answers.push((await guess(fresh(), String((Number(hers.code) + i) % 1_000_000).padStart(6, '0'), strangers)).statusCode);
        assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429], 'strangers had their 5 tries, then none');
        const row = await h().opened.store.db.selectFrom('sign_in_codes').select(['attempts', 'stranger_attempts']).where('consumed_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual(row, { attempts: 0, stranger_attempts: 5 }, "strangers took none of the holder's own attempts");
        const signedIn = await guess(VICTIM, hers.code, hers.ticket);
        assert.equal(signedIn.statusCode, 201, signedIn.body);
        h().clock.advance(60_000);
      }
    } finally {
      await app.close();
    }
  });

  it("still bounds the holder's own guesses: 5 wrong with her ticket, then even the right code with it is refused", async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { ticket } = await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    for (let i = 1; i <= SIGN_IN_LIMITS.attemptsPerCode; i++) {
      await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, String((Number(code) + i) % 1_000_000).padStart(6, '0'), ticket), UnauthenticatedError);
    }
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code, ticket), TooManyRequestsError);
  });

  it('compares at most 5 guesses with the ticket and 5 without of a hundred racing ones', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    const asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    const { ticket } = asked.json<{ ticket: string }>();
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const wrong = Array.from({ length: 100 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(
      wrong.map((guess, i) => app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: guess, ...(i % 2 === 0 ? { ticket } : {}) } })),
    );
    const compared = (withTicket: boolean) => answers.filter((a, i) => a.statusCode === 401 && (i % 2 === 0) === withTicket).length;
    assert.ok(compared(true) <= SIGN_IN_LIMITS.attemptsPerCode && compared(false) <= SIGN_IN_LIMITS.attemptsPerCode, `${compared(true)} with the ticket and ${compared(false)} without were compared`);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 100 - compared(true) - compared(false), 'every other guess was refused unchecked');
    const row = await h().opened.store.db.selectFrom('sign_in_codes').select(['attempts', 'stranger_attempts']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { attempts: SIGN_IN_LIMITS.attemptsPerCode, stranger_attempts: SIGN_IN_LIMITS.attemptsPerCode });
  });

  it('refuses a malformed ticket by name, before it costs any attempt', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    const code = await lastCodeSentTo(h(), '+8613912345678');
    for (const ticket of ['not a ticket!', 'A'.repeat(100), 42]) {
      const refused = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code, ticket } });
      assert.ok([400, 422].includes(refused.statusCode), refused.body);
      assert.equal(refused.json<{ field: string }>().field, 'ticket', refused.body);
    }
    const row = await h().opened.store.db.selectFrom('sign_in_codes').select(['attempts', 'stranger_attempts']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { attempts: 0, stranger_attempts: 0 });
  });

  it("refuses a registration whose right code strangers' wrong guesses ran out of tries between its check and its commit, and writes no resident", async () => {
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const signIn = h().services.signIn;
    // Strangers' five wrong guesses land just after the registration has found its code matching.
    const matching = signIn.matching.bind(signIn);
    signIn.matching = async (...args) => {
      const found = await matching(...args);
      for (let i = 1; i <= SIGN_IN_LIMITS.attemptsPerCode; i++) {
        await assert.rejects(signIn.verifySignInCode(ZHANG_WEI.phone!, String((Number(code) + i) % 1_000_000).padStart(6, '0')), UnauthenticatedError);
      }
      return found;
    };
    await assert.rejects(h().services.registration.register({ ...ZHANG_WEI, code }), TooManyRequestsError);
    assert.equal((await h().opened.store.db.selectFrom('residents').select('id').execute()).length, 0, 'no resident was written');
    const row = await h().opened.store.db.selectFrom('sign_in_codes').select(['stranger_attempts', 'consumed_at']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { stranger_attempts: SIGN_IN_LIMITS.attemptsPerCode, consumed_at: null });
  });

  it('lets strangers burn only their share of a registration code: the new resident registers with her code and ticket', async () => {
    const app = await h().app();
    const asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    const code = await lastCodeSentTo(h(), '+8613912345678');
    for (let i = 1; i <= 6; i++) {
      const wrong = String((Number(code) + i) % 1_000_000).padStart(6, '0');
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...ZHANG_WEI, code: wrong } })).statusCode, i <= 5 ? 401 : 429);
    }
    const registered = await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...ZHANG_WEI, code, ticket: asked.json<{ ticket: string }>().ticket } });
    assert.equal(registered.statusCode, 201, registered.body);
  });

  it("cannot spoil the code the holder has just received by asking for another", async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: VICTIM, payload: { phone: ZHANG_WEI.phone } });
    const received = await lastCodeSentTo(h(), '+8613912345678');
    h().clock.advance(60_000);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: STRANGER, payload: { phone: ZHANG_WEI.phone } })).statusCode, 202);
    const signedIn = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', remoteAddress: VICTIM, payload: { phone: ZHANG_WEI.phone, code: received } });
    assert.equal(signedIn.statusCode, 201, signedIn.body);
  });
});

describeOnEachEngine('asking for a code, registered or not', (h) => {
  /** What asking for a code does: the answer, the codes stored, the messages sent and the log line. */
  async function ask(phone: string) {
    const app = await h().app();
    const codesBefore = (await h().opened.store.db.selectFrom('sign_in_codes').select('id').execute()).length;
    const sentBefore = (await h().ctx.stores.outbox.list(1000)).length;
    const logsBefore = h().logs.length;
    const response = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone } });
    // Every answer holds a fresh random ticket: its shape is what must not differ.
    const { ticket, ...answer } = response.json<{ ticket: string }>();
    assert.match(ticket, /^[A-Za-z0-9_-]{22}$/);
    return {
      status: response.statusCode,
      body: JSON.stringify(answer),
      codesStored: (await h().opened.store.db.selectFrom('sign_in_codes').select('id').execute()).length - codesBefore,
      messagesSent: (await h().ctx.stores.outbox.list(1000)).length - sentBefore,
      logged: h()
        .logs.slice(logsBefore)
        .map((l) => (JSON.parse(l) as { msg: string }).msg)
        .filter((m) => m !== 'incoming request' && m !== 'request completed'),
    };
  }

  it('does the same work and answers the same for a registered and an unregistered phone', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const registered = await ask(ZHANG_WEI.phone!);
    const stranger = await ask('13700001111');
    assert.deepEqual(registered, { ...stranger, body: registered.body });
    assert.equal(registered.body, stranger.body);
    assert.deepEqual([registered.codesStored, registered.messagesSent], [1, 1]);
  });
});

describeOnEachEngine('forging a session token', (h) => {
  /** A real session's claims, re-encoded: what an attacker who saw one token can build. */
  async function claims() {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const [, payload] = session.token.split('.');
    return { session, payload: payload!, b64: (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url') };
  }

  it('refuses alg none', async () => {
    const { payload, b64 } = await claims();
    await assert.rejects(h().services.signIn.authenticate(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`), UnauthenticatedError);
  });

  it('refuses a token signed with another key', async () => {
    const { payload, b64 } = await claims();
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const signature = createHmac('sha256', 'a guessed key').update(`${header}.${payload}`).digest('base64url');
    await assert.rejects(h().services.signIn.authenticate(`${header}.${payload}.${signature}`), UnauthenticatedError);
  });

  it('refuses a token whose claims were changed to another resident', async () => {
    const { session, b64 } = await claims();
    const [header, payload, signature] = session.token.split('.');
    const other = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f' };
    await assert.rejects(h().services.signIn.authenticate(`${header}.${b64(other)}.${signature}`), UnauthenticatedError);
  });

  it('refuses a session once it has expired, though the token was checked before', async () => {
    const { session } = await claims();
    await h().services.signIn.authenticate(session.token);
    h().clock.advance(3600 * 1000 + 1000);
    await assert.rejects(h().services.signIn.authenticate(session.token), /expired/);
  });

  it('refuses a session once it is signed out, though the token was checked before', async () => {
    const { session } = await claims();
    const { sessionId } = await h().services.signIn.authenticate(session.token);
    await h().services.signIn.signOut(sessionId);
    await assert.rejects(h().services.signIn.authenticate(session.token), /ended/);
  });
});
