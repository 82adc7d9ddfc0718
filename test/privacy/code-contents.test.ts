import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeBase45 } from '../../src/codes/base45.js';
import { decodeCbor, decodeSign1 } from '../../src/codes/cose-sign1.js';
import { describeOnEachEngine } from '../support/harness.js';
import { OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

/** Every string a decoded CBOR value holds, at any depth: keys, values, and bytes read as text. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('latin1')];
  if (value instanceof Map) return [...value.entries()].flatMap(([k, v]) => [...stringsIn(k), ...stringsIn(v)]);
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

describeOnEachEngine('what a signed QR code tells whoever scans or photographs it', (h) => {
  it('carries no ID number, no part of one, no phone, no full name and no account id: only a pseudonymous subject', async () => {
    for (const person of [ZHANG_WEI, OLIVER_BROWN]) {
      const id = await registerVerified(h(), person);
      const { token } = await h().services.healthCodes.issue(id);
      assert.ok(token.startsWith('JKM1:'));
      const sign1 = decodeSign1(decodeBase45(token.slice(5)));
      const everything = [...stringsIn(decodeCbor(sign1.payload)), ...stringsIn(decodeCbor(sign1.protectedBytes))].join('\n');
      const digits = person.idNumber.replace(/\D/g, '');
      // Any run of 6 digits from the number would narrow it to a handful of people.
      for (let i = 0; i + 6 <= digits.length; i += 1) assert.ok(!everything.includes(digits.slice(i, i + 6)), `${person.name}'s code holds '${digits.slice(i, i + 6)}' of the ID number`);
      for (const secret of [person.idNumber, person.phone!.slice(-8), person.name, id]) assert.ok(!everything.includes(secret), `${person.name}'s code holds '${secret}'`);
    }
  });
});
