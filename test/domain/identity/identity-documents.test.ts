import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIdentity } from '../../../src/domain/identity/identity-document.js';
import { checkForeignPermanentResidenceId } from '../../../src/domain/identity/foreign-permanent-residence-id.js';
import { checkMainlandResidentId } from '../../../src/domain/identity/mainland-resident-id.js';
import { checkPassportNumber } from '../../../src/domain/identity/passport.js';
import { checkResidencePermit } from '../../../src/domain/identity/residence-permit.js';

const today = new Date('2026-11-20T02:00:00Z');

describe('mainland resident ID (GB 11643-1999)', () => {
  it('accepts the standard example number with check character X', () => {
    assert.deepEqual(checkMainlandResidentId('11010519491231002X', today), { ok: true, value: '11010519491231002X' });
  });
  it('accepts a lower-case x and normalises it to X', () => {
    assert.deepEqual(checkMainlandResidentId('11010519491231002x', today), { ok: true, value: '11010519491231002X' });
  });
  it('rejects a wrong check character', () => {
    const result = checkMainlandResidentId('110105194912310021', today);
    assert.equal(result.ok, false);
    assert.match((result as { message: string }).message, /check character/);
  });
  it('rejects a birth date that does not exist (30 February)', () => {
    const result = checkMainlandResidentId('110105199002300019', today);
    assert.equal(result.ok, false);
    assert.match((result as { message: string }).message, /birth date/);
  });
  it('rejects a birth date after today', () => {
    assert.equal(checkMainlandResidentId('110105202701010011', today).ok, false);
  });
  it('rejects an address code whose province does not exist', () => {
    // 99 is no province; the check character is right for these 17 digits.
    const result = checkMainlandResidentId('990105194912310023', today);
    assert.equal(result.ok, false);
    assert.match((result as { message: string }).message, /province/);
  });
  it('rejects a Hong Kong residence permit number as a mainland ID', () => {
    assert.equal(checkMainlandResidentId('810000199408230021', today).ok, false);
  });
  it('rejects 15-digit numbers, spaces inside and letters', () => {
    for (const bad of ['110105491231002', '110105 19491231002X', '11010519491231002Y', '']) assert.equal(checkMainlandResidentId(bad, today).ok, false, bad);
  });
});

describe('residence permit for Hong Kong, Macao and Taiwan residents', () => {
  it('accepts a Hong Kong permit (810000)', () => {
    assert.equal(checkResidencePermit('810000199408230021', today).ok, true);
  });
  it('accepts a Taiwan permit (830000)', () => {
    assert.equal(checkResidencePermit('830000199201300022', today).ok, true);
  });
  it('rejects a mainland number', () => {
    assert.equal(checkResidencePermit('11010519491231002X', today).ok, false);
  });
});

describe("foreigner's permanent residence ID", () => {
  it('accepts the 15-character form with its ICAO check digit', () => {
    assert.deepEqual(checkForeignPermanentResidenceId('USA330185051213', today), { ok: true, value: 'USA330185051213' });
  });
  it('rejects the 15-character form with a wrong check digit', () => {
    assert.equal(checkForeignPermanentResidenceId('USA330185051214', today).ok, false);
  });
  it('rejects the 15-character form with an unknown nationality', () => {
    assert.equal(checkForeignPermanentResidenceId('XXX330185051213', today).ok, false);
  });
  it('accepts the 2023 18-digit form (9, province, ISO numeric nationality)', () => {
    assert.equal(checkForeignPermanentResidenceId('93384019900315001X', today).ok, true);
    assert.equal(checkForeignPermanentResidenceId('944124198501010028', today).ok, true);
  });
  it('rejects the 18-digit form with an unknown nationality number', () => {
    // 999 is no ISO 3166 numeric code.
    assert.match((checkForeignPermanentResidenceId('933999199003150014', today) as { message: string }).message, /nationality/);
  });
});

describe('passport numbers', () => {
  it('accepts a Chinese ordinary passport E + 8', () => {
    assert.equal(checkPassportNumber('E12345678', 'CN').ok, true);
    assert.equal(checkPassportNumber('EA1234567', 'CN').ok, true);
  });
  it('rejects a Chinese passport number in another shape', () => {
    assert.equal(checkPassportNumber('123456789', 'CN').ok, false);
  });
  it('accepts a foreign alphanumeric number of up to 9 characters', () => {
    assert.equal(checkPassportNumber('C01X00T47', 'DE').ok, true);
  });
  it('rejects punctuation and over-long numbers', () => {
    assert.equal(checkPassportNumber('C01-X00T4', 'DE').ok, false);
    assert.equal(checkPassportNumber('C01X00T4712', 'DE').ok, false);
  });
});

describe('identity documents', () => {
  it('builds a per-person key that includes the passport country', () => {
    const result = checkIdentity({ idType: 'passport', idNumber: '533401372', idCountry: 'GBR' }, today);
    assert.deepEqual(result, { ok: true, value: { type: 'passport', number: '533401372', country: 'GB', key: 'passport:GB:533401372' } });
  });
  it('names idCountry when a passport has no issuing country', () => {
    const result = checkIdentity({ idType: 'passport', idNumber: '533401372' }, today);
    assert.deepEqual(result, { ok: false, field: 'idCountry', message: 'a passport needs its issuing country as an ISO 3166 code' });
  });
  it('names idType for an unknown document type', () => {
    assert.equal((checkIdentity({ idType: 'driving_licence', idNumber: 'x' }, today) as { field: string }).field, 'idType');
  });
  it('names idNumber when the number is wrong', () => {
    assert.equal((checkIdentity({ idType: 'resident_id', idNumber: '110105194912310021' }, today) as { field: string }).field, 'idNumber');
  });
});
