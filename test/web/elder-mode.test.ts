import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFamilyPhone, readElderMode } from '../../web/src/resident/elder-mode.js';

describe("elder mode's family phone number", () => {
  it('takes a mobile number as typed with spaces and dashes, and keeps it as digits to dial', () => {
    assert.deepEqual(parseFamilyPhone(' 139-1234 5678 '), { phone: '13912345678' });
    assert.deepEqual(parseFamilyPhone('+852 9123 4567'), { phone: '+85291234567' });
  });

  it('refuses letters, an empty entry and a number longer than any phone, naming the field', () => {
    for (const bad of ['', 'mum', '12', '1391234567890123', '+86+139', 'tel:110']) assert.deepEqual(parseFamilyPhone(bad), { error: 'elder.familyPhoneInvalid' }, bad);
  });
});

describe('elder mode as remembered on the device', () => {
  it('reads back what was saved', () => {
    assert.deepEqual(readElderMode({ on: true, familyPhone: '13912345678' }), { on: true, familyPhone: '13912345678' });
  });

  it('is off with no number when nothing, or something else, was saved', () => {
    for (const saved of [null, undefined, 'on', 1, { on: 'yes' }, []]) assert.deepEqual(readElderMode(saved), { on: false, familyPhone: null }, JSON.stringify(saved));
  });

  it('drops a saved number that is not a phone number, so the button never dials it', () => {
    assert.deepEqual(readElderMode({ on: true, familyPhone: 'javascript:alert(1)' }), { on: true, familyPhone: null });
  });
});
