import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { UnauthenticatedError } from '../../src/services/service-errors.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { buildApp } from '../../src/http/app.js';
import { SIGN_IN_LIMITS } from '../../src/services/sign-in-service.js';
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

  it("cannot keep the phone's holder out for more than a few minutes: 5 codes with 5 wrong guesses each, then the holder signs in with their own code", async () => {
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: DEFAULT_LIMITS } });
    try {
      await h().services.residents.register(ZHANG_WEI);
      const ask = (from: string) => app.inject({ method: 'POST', url: '/api/v1/sign-in/code', remoteAddress: from, payload: { phone: ZHANG_WEI.phone } });
      const guess = (from: string, code: string) => app.inject({ method: 'POST', url: '/api/v1/sign-in/session', remoteAddress: from, payload: { phone: ZHANG_WEI.phone, code } });
      const guessed: number[] = [];
      // The stranger asks as often as the service lets them, and spends every code's tries.
      for (let round = 0; round < 5; round++) {
        let asked = await ask(STRANGER);
        if (asked.statusCode === 429) {
          h().clock.advance(Number(asked.headers['retry-after']) * 1000);
          asked = await ask(STRANGER);
        }
        assert.equal(asked.statusCode, 202, asked.body);
        const code = await lastCodeSentTo(h(), '+8613912345678');
        for (let i = 1; i <= 5; i++) guessed.push((await guess(STRANGER, String((Number(code) + i) % 1_000_000).padStart(6, '0'))).statusCode);
        h().clock.advance(60_000);
      }
      assert.ok(guessed.filter((s) => s === 401).length <= DEFAULT_LIMITS.signInAttemptsPerAddressPerHour, 'one address tried more codes than it may');
      // The holder asks for a code: at worst told to wait a few minutes, never an hour.
      let waited = 0;
      let asked = await ask(VICTIM);
      if (asked.statusCode === 429) {
        waited = Number(asked.headers['retry-after']);
        assert.ok(waited <= SIGN_IN_LIMITS.longestWaitSeconds, `the holder was told to wait ${waited} s`);
        h().clock.advance(waited * 1000);
        asked = await ask(VICTIM);
      }
      assert.equal(asked.statusCode, 202, asked.body);
      // The stranger, still trying, cannot wear down the holder's new code.
      for (let i = 0; i < 5; i++) assert.equal((await guess(STRANGER, '000000')).statusCode, 429);
      const signedIn = await guess(VICTIM, await lastCodeSentTo(h(), '+8613912345678'));
      assert.equal(signedIn.statusCode, 201, signedIn.body);
    } finally {
      await app.close();
    }
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
    return {
      status: response.statusCode,
      body: response.body,
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
