import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIdentity } from '../../../src/domain/identity/identity-document.js';
import { checkHomeReturnPermit, checkTaiwanTravelPermit } from '../../../src/domain/identity/travel-permits.js';

const today = new Date('2026-11-20T02:00:00Z');

describe('Mainland Travel Permit for Hong Kong and Macao Residents (Home Return Permit)', () => {
  it('accepts a Hong Kong card number, H and 8 digits', () => {
    assert.deepEqual(checkHomeReturnPermit('H60214738'), { ok: true, value: 'H60214738' });
  });
  it('accepts a Macao card number typed in lower case with a space, as M and 8 digits', () => {
    assert.deepEqual(checkHomeReturnPermit('m1234 5678'), { ok: true, value: 'M12345678' });
  });
  it('reads an older booklet number (10 digits) as the card number it became: its first nine characters', () => {
    assert.deepEqual(checkHomeReturnPermit('H6021473802'), { ok: true, value: 'H60214738' });
  });
  it('refuses a number without H or M, naming the letters', () => {
    assert.deepEqual(checkHomeReturnPermit('C60214738'), { ok: false, message: 'must begin with H (Hong Kong) or M (Macao)' });
  });
  it('refuses 7, 9 and 11 digits and letters among the digits', () => {
    for (const bad of ['H6021473', 'H602147381', 'H60214738021', 'H6021473A']) assert.equal(checkHomeReturnPermit(bad).ok, false, bad);
  });
});

describe('Mainland Travel Permit for Taiwan Residents', () => {
  it('accepts the 8 digits of the card', () => {
    assert.deepEqual(checkTaiwanTravelPermit('05123456'), { ok: true, value: '05123456' });
  });
  it('refuses an older booklet number, saying to give the card number', () => {
    for (const booklet of ['0512345601', '05123456(B)']) assert.match((checkTaiwanTravelPermit(booklet) as { message: string }).message, /older booklet.*8 digits/, booklet);
  });
  it('refuses 7 digits and letters', () => {
    for (const bad of ['0512345', 'T0512345', '']) assert.deepEqual(checkTaiwanTravelPermit(bad), { ok: false, message: 'must be the 8 digits of the permit card' }, bad);
  });
});

describe('a travel permit as an identity document', () => {
  it('keys a Home Return Permit by its type and card number, so the booklet and the card are one person', () => {
    const card = checkIdentity({ idType: 'hk_macao_travel_permit', idNumber: 'H60214738' }, today);
    const booklet = checkIdentity({ idType: 'hk_macao_travel_permit', idNumber: 'H6021473802' }, today);
    assert.ok(card.ok && booklet.ok);
    assert.equal(card.value.key, 'hk_macao_travel_permit:H60214738');
    assert.equal(booklet.value.key, card.value.key);
  });
  it('keys the same 8 digits differently as a Taiwan permit and as any other document', () => {
    const taiwan = checkIdentity({ idType: 'taiwan_travel_permit', idNumber: '05123456' }, today);
    assert.ok(taiwan.ok);
    assert.equal(taiwan.value.key, 'taiwan_travel_permit:05123456');
  });
  it('names the number field when a permit number is wrong', () => {
    assert.deepEqual(checkIdentity({ idType: 'taiwan_travel_permit', idNumber: 'H60214738' }, today), { ok: false, field: 'idNumber', message: 'must be the 8 digits of the permit card' });
  });
});
