import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../../support/harness.js';
import { CHEN_JING, ZHANG_WEI } from '../../../support/people.js';
import { lastCodeSentTo } from '../../../support/sign-in.js';

/** A code that is not the one sent: the last digit turned. */
const wrongFor = (code: string) => code.slice(0, 5) + String((Number(code[5]) + 1) % 10);

describeOnEachEngine('what a refused one-time code tells the person who typed it', (h) => {
  async function askedCode(phone: string) {
    const app = await h().app();
    const asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone } });
    assert.equal(asked.statusCode, 202, asked.body);
    return { app, ticket: asked.json<{ ticket: string }>().ticket, code: await lastCodeSentTo(h(), `+86${phone}`) };
  }

  it('says a wrong code is wrong and how many tries it has left', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { app, ticket, code } = await askedCode(ZHANG_WEI.phone!);
    const first = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: wrongFor(code), ticket } });
    assert.equal(first.statusCode, 401);
    assert.deepEqual([first.json().reason, first.json().attemptsLeft, first.json().newCodeInSeconds], ['wrong-code', 4, undefined]);
    const second = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: wrongFor(code), ticket } });
    assert.equal(second.json().attemptsLeft, 3);
  });

  it('says when a new code may be asked for once the last try is used', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { app, ticket, code } = await askedCode(ZHANG_WEI.phone!);
    let last;
    for (let i = 0; i < 5; i++) last = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: wrongFor(code), ticket } });
    assert.deepEqual([last!.statusCode, last!.json().reason, last!.json().attemptsLeft, last!.json().newCodeInSeconds], [401, 'wrong-code', 0, 60]);
    h().clock.advance(20_000);
    const after = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code, ticket } });
    assert.equal(after.statusCode, 429);
    assert.deepEqual([after.json().reason, after.json().attemptsLeft, after.json().newCodeInSeconds, after.headers['retry-after']], ['no-attempts-left', 0, 40, '40']);
  });

  it('says an expired code has expired, and that a new one may be asked for now', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { app, ticket, code } = await askedCode(ZHANG_WEI.phone!);
    h().clock.advance(301_000);
    const late = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code, ticket } });
    assert.equal(late.statusCode, 401);
    assert.deepEqual([late.json().reason, late.json().newCodeInSeconds], ['no-valid-code', 0]);
  });

  it('tells the holder of a proven phone with no account to register with it', async () => {
    const { app, ticket, code } = await askedCode(CHEN_JING.phone!);
    const answer = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: CHEN_JING.phone, code, ticket } });
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.json().reason, 'no-account');
  });

  it('says the same of a wrong code sent with a registration form', async () => {
    const { app, ticket, code } = await askedCode(ZHANG_WEI.phone!);
    const answer = await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...ZHANG_WEI, code: wrongFor(code), ticket } });
    assert.equal(answer.statusCode, 401);
    assert.deepEqual([answer.json().reason, answer.json().attemptsLeft], ['wrong-code', 4]);
  });
});
