import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskIdNumber, maskName } from '../../src/domain/masking.js';
import { checkMobileNumber, maskPhone } from '../../src/domain/phone.js';

describe('mobile numbers', () => {
  it('normalises a bare mainland mobile number to E.164', () => {
    assert.deepEqual(checkMobileNumber('139 1234 5678'), { ok: true, value: '+8613912345678' });
  });
  it('accepts a foreign mobile number in E.164', () => {
    assert.deepEqual(checkMobileNumber('+447911123456'), { ok: true, value: '+447911123456' });
  });
  it('rejects a mainland landline, which cannot receive SMS', () => {
    assert.equal(checkMobileNumber('057188888888').ok, false);
  });
  it('rejects a mainland number with a digit too few', () => {
    assert.equal(checkMobileNumber('1391234567').ok, false);
  });
  it('rejects text that is not a number', () => {
    assert.equal(checkMobileNumber("13912345678' OR 1=1").ok, false);
  });
  it('masks all but the country code, prefix and last four digits', () => {
    assert.equal(maskPhone('+8613912345678'), '+86139****5678');
  });
});

describe('masking for display', () => {
  it('masks the middle of a three-character name', () => {
    assert.equal(maskName('张晓明'), '张*明');
  });
  it('masks the second character of a two-character name', () => {
    assert.equal(maskName('张伟'), '张*');
  });
  it('masks the middle of a compound surname name', () => {
    assert.equal(maskName('欧阳小明'), '欧**明');
  });
  it('masks a Latin name part by part: each initial, then a star for each further letter', () => {
    assert.equal(maskName('Anna Li'), 'A*** L*');
  });
  it('masks a Latin name in its passport spelling: Müller has the seven letters of MUELLER', () => {
    assert.equal(maskName('Anna-Lena Müller'), 'A*** L*** M******');
  });
  it('shows nothing of a Latin name of one letter', () => {
    assert.equal(maskName('Q'), '*');
  });
  it('masks a name mixing Chinese and Latin letters as a Chinese name', () => {
    assert.equal(maskName('张Anna'), '张***a');
  });
  it('counts an emoji as one character', () => {
    assert.equal(maskName('小👍'), '小*');
  });
  it('keeps the first and last four characters of an ID number', () => {
    assert.equal(maskIdNumber('33011019880214003X', 'resident_id'), '3301**********003X');
  });
  it('shows a passport number only by its first character and last two', () => {
    assert.equal(maskIdNumber('C01X00T47', 'passport'), 'C******47');
  });
  it('masks an 18-digit residence permit like any document that is not a mainland ID', () => {
    assert.equal(maskIdNumber('810000199408230021', 'hmt_residence_permit'), '8***************21');
  });
  it('shows a five-character document number by its first and last characters only', () => {
    assert.equal(maskIdNumber('E1234', 'passport'), 'E***4');
  });
});
