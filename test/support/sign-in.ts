import { signInCodeIndexes } from '../../src/services/residents/phone-records.js';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { checkMobileNumber } from '../../src/domain/phone.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import type { Harness } from './harness.js';

/**
 * The six-digit code last sent to `phone` (E.164), read from the outbox as the SMS gateway would.
 * The newest text carrying a code: a colour-change notice may have gone to the phone after it.
 */
export async function lastCodeSentTo(h: Harness, phone: string): Promise<string> {
  const messages = await h.ctx.stores.outbox.list(10, phone);
  const code = messages.map((m) => m.body.match(/\b(\d{6})\b/)?.[1]).find((c) => c !== undefined);
  assert.ok(code, `no code in the outbox for ${phone}`);
  return code;
}

/** Registers `person` and signs in once, which verifies the phone (unverified residents stay gray). */
export async function registerVerified(h: Harness, person: RegistrationInput): Promise<string> {
  const { id } = await h.services.residents.register(person);
  await h.services.signIn.requestSignInCode(person.phone!);
  await h.services.signIn.verifySignInCode(person.phone!, await lastCodeSentTo(h, (await h.services.residents.get(id)).phone!));
  return id;
}

/**
 * Registers `person` as the resident app does: a code to the phone first, then the form with it.
 * Returns the raw response, so a test can look at refusals too.
 */
export async function registerThroughApi(h: Harness, person: RegistrationInput, app?: FastifyInstance, remoteAddress?: string) {
  const server = app ?? (await h.app());
  const asked = await server.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: person.phone }, ...(remoteAddress !== undefined && { remoteAddress }) });
  // A phone the service refuses gets no code; the form is still sent, to see how it is refused.
  const code = asked.statusCode === 202 ? await lastCodeSentTo(h, checkedPhone(person.phone!)) : '000000';
  const ticket = asked.statusCode === 202 ? asked.json<{ ticket: string }>().ticket : undefined;
  return server.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...person, code, ticket }, ...(remoteAddress !== undefined && { remoteAddress }) });
}

/** Registers through the API and returns the new resident's id and bearer header. */
export async function signedUpThroughApi(h: Harness, person: RegistrationInput, app?: FastifyInstance): Promise<{ id: string; auth: { authorization: string } }> {
  const response = await registerThroughApi(h, person, app);
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json() as { id: string; session: { token: string } };
  return { id: body.id, auth: { authorization: `Bearer ${body.session.token}` } };
}

function checkedPhone(text: string): string {
  const checked = checkMobileNumber(text);
  assert.ok(checked.ok);
  return checked.value;
}

/** Every sign-in code asked for a phone, under whichever index it stands (a district's, or none yet). */
export async function signInCodesOf(h: Harness, phoneE164: string): Promise<unknown[]> {
  return (await Promise.all(signInCodeIndexes(h.ctx, phoneE164).map((index) => h.ctx.stores.signIn.signInCodesSince(index, 0)))).flat();
}
