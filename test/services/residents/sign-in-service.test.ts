import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSigner } from 'fast-jwt';
import { createLogger } from '../../../src/logging.js';
import { createContext } from '../../../src/services/context.js';
import { TooManyRequestsError, UnauthenticatedError } from '../../../src/services/service-errors.js';
import { createServices } from '../../../src/services/services.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo } from '../../support/sign-in.js';

describeOnEachEngine('sign-in by phone and one-time code', (h) => {
  it('sends a six-digit code to a registered phone through the outbox', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const result = await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    assert.equal(result.expiresAt, Date.parse('2026-11-20T02:05:00.000Z'));
    assert.match(await lastCodeSentTo(h(), '+8613912345678'), /^\d{6}$/);
  });

  it('answers an unregistered phone the same way, with a registration code', async () => {
    const result = await h().services.signIn.requestSignInCode('13700001111');
    assert.equal(result.expiresAt, Date.parse('2026-11-20T02:05:00.000Z'));
    const [sms] = await h().ctx.stores.outbox.list(10);
    assert.match(sms!.body, /^【健康码】注册验证码 \d{6}，5 分钟内有效/);
  });

  it('opens a session for the right code and marks the phone verified', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'));
    assert.equal(session.residentId, id);
    assert.deepEqual(await h().services.signIn.authenticate(session.token).then((c) => c.residentId), id);
    assert.equal((await h().services.residents.summary(id)).phoneVerified, true);
  });

  it('never logs the code in production mode', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const logs = h().logs.join('');
    assert.match(logs, /one-time code sent/);
    assert.ok(!logs.includes(code));
  });

  it('refuses a code after it expires', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    h().clock.advance(301_000);
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code), UnauthenticatedError);
  });

  it('refuses a code used twice', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code);
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code), UnauthenticatedError);
  });

  it('tells a request that lost the race for a code to another using it that the code was used, not that it guessed wrong', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    // Two registrations with one code: the other uses it up between this one's read of the live codes and its attempt.
    const store = h().ctx.stores.signIn;
    const claim = store.claimAttempt.bind(store);
    store.claimAttempt = async (id, ...rest) => {
      await store.consume(id, Date.now());
      return claim(id, ...rest);
    };
    await assert.rejects(h().services.signIn.prove('+8613912345678', code), (error: Error & { standing?: { reason: string } }) => error.standing?.reason === 'code-used');
  });

  it('locks a code after five wrong attempts, even if the sixth is right', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, wrong), UnauthenticatedError);
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code), TooManyRequestsError);
  });

  it('answers each request with a fresh ticket, kept only as a keyed digest', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const first = await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    h().clock.advance(60_000);
    const second = await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    assert.match(first.ticket, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(first.ticket, second.ticket);
    const stored = JSON.stringify(await h().opened.store.db.selectFrom('sign_in_codes').selectAll().execute());
    assert.ok(!stored.includes(first.ticket) && !stored.includes(second.ticket), 'a ticket is stored in clear');
  });

  it("draws a guess with one code's ticket on the other live codes' shared attempts, not their own", async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { ticket: first } = await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    h().clock.advance(60_000);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const sent = (await h().ctx.stores.outbox.list(2, '+8613912345678')).map((m) => m.body);
    const wrong = ['000000', '000001', '000002'].find((c) => !sent.some((body) => body.includes(c)))!;
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, wrong, first), UnauthenticatedError);
    const rows = await h().opened.store.db.selectFrom('sign_in_codes').select(['attempts', 'stranger_attempts']).orderBy('created_at').execute();
    assert.deepEqual(rows, [{ attempts: 1, stranger_attempts: 0 }, { attempts: 0, stranger_attempts: 1 }]);
  });

  it("does not accept one resident's code for another's phone", async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.residents.register(LIU_FANG);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    await assert.rejects(h().services.signIn.verifySignInCode(LIU_FANG.phone!, code), UnauthenticatedError);
  });

  it('makes the phone wait a minute between codes', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    h().clock.advance(30_000);
    await assert.rejects(h().services.signIn.requestSignInCode(ZHANG_WEI.phone!), (e: unknown) => e instanceof TooManyRequestsError && e.retryAfterSeconds === 30);
  });

  it('makes the phone wait longer for each further code, but never past five minutes', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push((await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!)).resendAfterSeconds);
      h().clock.advance(1000);
      await assert.rejects(h().services.signIn.requestSignInCode(ZHANG_WEI.phone!), (e: unknown) => e instanceof TooManyRequestsError && e.retryAfterSeconds === waits[i]! - 1);
      h().clock.advance((waits[i]! - 1) * 1000);
    }
    assert.deepEqual(waits, [60, 60, 120, 240, 300, 300, 300, 300]);
  });

  it('takes any code it sent that is still alive, not only the newest', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const first = await lastCodeSentTo(h(), '+8613912345678');
    h().clock.advance(60_000);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, first);
    assert.ok(session.token);
  });

  it('ends the session when it expires', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'));
    h().clock.advance(3_601_000);
    await assert.rejects(h().services.signIn.authenticate(session.token), /expired/);
  });

  it('ends the session on sign-out', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'));
    const { sessionId } = await h().services.signIn.authenticate(session.token);
    await h().services.signIn.signOut(sessionId);
    await assert.rejects(h().services.signIn.authenticate(session.token), UnauthenticatedError);
  });

  it('keeps a session opened to be kept in memory active from the start, and reads any other from the database on its first use', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const store = h().ctx.stores.signIn;
    const reads: string[] = [];
    const activeSession = store.activeSession.bind(store);
    store.activeSession = async (sessionId, now) => {
      reads.push(sessionId);
      return activeSession(sessionId, now);
    };
    const now = h().clock.now().getTime();
    const kept = (await h().services.signIn.openSessionIn(undefined, id, now, { keepInMemory: true })).committed();
    const read = (await h().services.signIn.openSessionIn(undefined, id, now)).committed();
    const keptId = (await h().services.signIn.authenticate(kept.token)).sessionId;
    const readId = (await h().services.signIn.authenticate(read.token)).sessionId;
    assert.deepEqual(reads, [readId], `the kept session ${keptId} was read, or the other was not`);
  });

  it('rejects a token with a forged signature', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'));
    const [header, payload, signature] = session.token.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    await assert.rejects(h().services.signIn.authenticate(forged), UnauthenticatedError);
  });

  it("keeps a checked token while 12,000 other residents' tokens are checked in turn (as many as the sessions kept)", async () => {
    const sign = createSigner({ key: Buffer.from(h().ctx.sessionKey), algorithm: 'HS256', iss: 'healthcode', aud: 'healthcode-resident', noTimestamp: true });
    // Expired an hour ago: refused right after the token's check, with no session to read.
    const exp = Math.floor(h().clock.now().getTime() / 1000) - 3600;
    const tokens = Array.from({ length: 12_001 }, (_, i) => sign({ sub: `resident-${i}`, jti: `session-${i}`, exp }));
    const service = h().services.signIn as unknown as { checkToken: (token: string) => unknown };
    const check = service.checkToken;
    const checked: string[] = [];
    service.checkToken = (token) => (checked.push(token), check(token));
    for (const token of [...tokens, tokens[0]!]) await assert.rejects(h().services.signIn.authenticate(token), /expired/);
    assert.equal(checked.length, tokens.length);
  });

  it('checks a token again on every use when HEALTHCODE_CACHE_ENTRIES=0 turns the caches off', async () => {
    const services = createServices(createContext({ database: h().ctx.database, clock: h().clock, dataKey: h().dataKey, logger: createLogger('silent'), settings: { ...h().ctx.settings, cacheEntries: 0 } }));
    const sign = createSigner({ key: Buffer.from(h().ctx.sessionKey), algorithm: 'HS256', iss: 'healthcode', aud: 'healthcode-resident', noTimestamp: true });
    const token = sign({ sub: 'resident-1', jti: 'session-1', exp: Math.floor(h().clock.now().getTime() / 1000) - 3600 });
    const service = services.signIn as unknown as { checkToken: (token: string) => unknown };
    const check = service.checkToken;
    let checks = 0;
    service.checkToken = (t) => ((checks += 1), check(t));
    for (let i = 0; i < 3; i += 1) await assert.rejects(services.signIn.authenticate(token), /expired/);
    assert.equal(checks, 3);
  });

  it("takes a token it has just signed without checking its signature, and finds what a process that never saw it finds", async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const service = h().services.signIn as unknown as { checkToken: (token: string) => unknown };
    const check = service.checkToken;
    let checks = 0;
    service.checkToken = (t) => ((checks += 1), check(t));
    const here = await h().services.signIn.authenticate(session.token);
    const elsewhere = createServices(createContext({ database: h().ctx.database, clock: h().clock, dataKey: h().dataKey, logger: createLogger('silent'), settings: h().ctx.settings }));
    assert.deepEqual(here, await elsewhere.signIn.authenticate(session.token));
    assert.equal(checks, 0);
  });

  it('refuses a token it has just signed once it expires, though it never checked its signature', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    h().clock.advance(h().ctx.settings.sessionTtlSeconds * 1000);
    await assert.rejects(h().services.signIn.authenticate(session.token), /expired/);
  });
});
