import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphemes, maskIdNumber, maskName } from '../../src/domain/masking.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import fc from 'fast-check';
import { checkMobileNumber, checkMobileNumberFully, maskPhone } from '../../src/domain/phone.js';

/** Eleven digits after a prefix, as a phone number is written: bare, with +86, grouped by spaces or dashes. */
const written = (digits: string, form: number) =>
  [digits, `+86${digits}`, `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`, `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`][form]!;

/** Mainland numbers are checked against ranges compiled once; libphonenumber's whole way must answer the same. */
describe('mobile numbers checked by the mainland ranges compiled once', () => {
  it('answers as libphonenumber for a number under every five-digit prefix starting with 1', () => {
    for (let prefix = 10_000; prefix < 20_000; prefix++) {
      const digits = `${prefix}${String((prefix * 7919) % 1_000_000).padStart(6, '0')}`;
      const text = written(digits, prefix % 4);
      assert.deepEqual(checkMobileNumber(text), checkMobileNumberFully(text.replace(/[\s-]/g, '')), text);
    }
  });
  it('answers as libphonenumber for numbers near the ranges\' edges, carrier prefixes and lengths', () => {
    const start = fc.constantFrom('1', '11', '12', '125', '13', '14', '145', '146', '16', '161', '1610', '1611', '17', '174', '1740', '17405', '17406', '179', '1795', '17951', '18', '19', '8', '0', '86', '0086');
    fc.assert(
      fc.property(start, fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 12 }), fc.nat(3), (head, tail, form) => {
        const text = written(`${head}${tail}`, form);
        assert.deepEqual(checkMobileNumber(text), checkMobileNumberFully(text.replace(/[\s-]/g, '')));
      }),
      { numRuns: 3000 },
    );
  });
});

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

/** Text cut into graphemes without the segmenter where each character is one: the segmenter must cut it the same. */
describe('graphemes of a name', () => {
  const segmented = (text: string) => Array.from(new Intl.Segmenter('zh', { granularity: 'grapheme' }).segment(text), (s) => s.segment);
  it('cuts every text as the grapheme segmenter does, whatever the mix of scripts, marks and emoji', () => {
    const piece = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
      fc.constantFrom('张', '欧阳', '㐀', '鿿', '·', '・', '\u0301', '\u200d', '👍', '👍🏽', '🇨🇳', '\r\n', '\t', 'ก่', '각', '\u1100\u1161', 'é'),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        assert.deepEqual(graphemes(text), segmented(text));
      }),
      { numRuns: 3000 },
    );
  });
  it('masks a name written with digits as the segmenter counts it', () => {
    assert.equal(maskName('居民 12'), '居***2');
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

describe('mobile numbers, checked once', () => {
  /** The obvious check, as it read before asking for the type alone: valid first, then the type. */
  function checkedTwice(text: string): ReturnType<typeof checkMobileNumber> {
    const compact = text.replace(/[\s-]/g, '');
    if (!/^\+?\d{5,16}$/.test(compact)) return checkMobileNumber(text);
    const parsed = parsePhoneNumberFromString(compact, compact.startsWith('+') ? undefined : 'CN');
    if (!parsed || !parsed.isValid()) return { ok: false, message: 'is not a valid phone number' };
    const type = parsed.getType();
    const mobile = type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || (type === undefined && parsed.country !== 'CN');
    return mobile ? { ok: true, value: parsed.number } : { ok: false, message: 'must be a mobile number that can receive SMS' };
  }
  const numbers = [
    '13912345678', '139 1234 5678', '1391234567', '057188888888', '02012345678', '+8613800138000', '+8657188888888',
    '+447911123456', '+442079460000', '+12015550123', '+85291234567', '+85321234567', '+886912345678', '+4915112345678',
    '+33612345678', '+81901234567', '+97312345678', '+37312345678', '+999123456', '+80012345678', '+88234567890', '12345',
    '+8617012345678', '+8619912345678', '+8610012345678', '+4930123456', '+61412345678', '+6421234567',
  ];
  it('gives the same answer as checking validity and type apart, for mainland, foreign and invalid numbers', () => {
    for (const text of numbers) assert.deepEqual(checkMobileNumber(text), checkedTwice(text), text);
  });
});
