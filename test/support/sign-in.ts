import assert from 'node:assert/strict';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { OutboxStore } from '../../src/store/outbox-store.js';
import type { Harness } from './harness.js';

/** The six-digit code last sent to `phone` (E.164), read from the outbox as the SMS gateway would. */
export async function lastCodeSentTo(h: Harness, phone: string): Promise<string> {
  const [message] = await new OutboxStore(h.opened.store.db, h.services.ctx.cipher).list(1, phone);
  const code = message?.body.match(/\b(\d{6})\b/)?.[1];
  assert.ok(code, `no code in the outbox for ${phone}`);
  return code;
}

/** Registers `person` and signs in once, which verifies the phone (unverified residents stay gray). */
export async function registerVerified(h: Harness, person: RegistrationInput): Promise<string> {
  const { id } = await h.services.residents.register(person);
  await h.services.signIn.requestCode(person.phone!);
  await h.services.signIn.verifyCode(person.phone!, await lastCodeSentTo(h, (await h.services.residents.get(id)).phone!));
  return id;
}
