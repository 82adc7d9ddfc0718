import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskIdNumber, maskName } from '../../src/domain/masking.js';
import { ID_TYPES } from '../../src/domain/identity/identity-document.js';

/**
 * A guard matches the masked name on a visitor's code to the passport in their hand. Names as people
 * write them, each beside the letters its passport's MRZ holds (written out here by hand from ICAO
 * 9303's table, not by the code under test).
 */
const SURNAMES: [string, string][] = [
  ['Müller', 'MUELLER'],
  ['García', 'GARCIA'],
  ["O'Brien", 'OBRIEN'],
  ['Nowak', 'NOWAK'],
  ['Ångström', 'AANGSTROEM'],
  ['Smith-Jones', 'SMITH<JONES'],
  ['de la Cruz', 'DE<LA<CRUZ'],
  ['Nguyễn', 'NGUYEN'],
  ['Dvořák', 'DVORAK'],
  ['Şahin', 'SAHIN'],
  ['Gößinger', 'GOESSINGER'],
  ['Kowalczyk', 'KOWALCZYK'],
  ['Brown', 'BROWN'],
  ['Ødegård', 'OEDEGAARD'],
  ['Li', 'LI'],
  ['Van der Berg', 'VAN<DER<BERG'],
];
const GIVEN: [string, string][] = [
  ['Oliver', 'OLIVER'],
  ['Zoë', 'ZOE'],
  ['José María', 'JOSE<MARIA'],
  ['Łukasz', 'LUKASZ'],
  ['Søren', 'SOEREN'],
  ['Anna-Lena', 'ANNA<LENA'],
  ['Jürgen', 'JUERGEN'],
  ['François', 'FRANCOIS'],
  ['Seán', 'SEAN'],
  ['Mary Ann', 'MARY<ANN'],
  ['Renée', 'RENEE'],
  ['Björk', 'BJOERK'],
  ['J. R.', 'J<R'],
];

/** A person as they would type their name (given name first or family name first, any case), and the MRZ name field of their passport. */
const person = fc
  .record({ surname: fc.constantFrom(...SURNAMES), given: fc.constantFrom(...GIVEN), surnameFirst: fc.boolean(), upperSurname: fc.boolean() })
  .map(({ surname, given, surnameFirst, upperSurname }) => {
    const family = upperSurname ? surname[0].toUpperCase() : surname[0];
    return { written: surnameFirst ? `${family} ${given[0]}` : `${given[0]} ${family}`, mrz: `${surname[1]}<<${given[1]}` };
  });

/** The components of an MRZ name field: SMITH<JONES<<MARY<ANN -> SMITH, JONES, MARY, ANN. */
const mrzComponents = (field: string) => field.split(/<+/).filter(Boolean);

/** The guard's check: each masked part is a different component of the passport's name with that first letter and as many letters. */
function matchesPassport(masked: string, mrzField: string): boolean {
  const left = mrzComponents(mrzField);
  for (const part of masked.split(' ')) {
    const i = left.findIndex((c) => c[0] === part[0] && c.length === part.length);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return left.length === 0;
}

describe('Latin names masked so a guard can match them to a passport', () => {
  it('matches the name field of the passport, whichever order the person wrote their names in', () => {
    fc.assert(
      fc.property(person, ({ written, mrz }) => matchesPassport(maskName(written), mrz)),
      { numRuns: 500 },
    );
  });

  it('shows no letter but the first of each part of the name', () => {
    fc.assert(
      fc.property(person, ({ written, mrz }) => {
        const masked = maskName(written);
        const shown = masked.replace(/[* ]/g, '');
        const initials = mrzComponents(mrz).map((c) => c[0]).sort().join('');
        return [...shown].sort().join('') === initials && /^[A-Z]\**( [A-Z]\**)*$/.test(masked);
      }),
      { numRuns: 500 },
    );
  });

  // It narrows, it does not identify: Olivia Brown's passport matches Oliver Brown's code too, as 张*兰 fits more than one 张秀兰.
  it('does not match the passport of someone whose names begin with other letters or are of other lengths', () => {
    assert.equal(matchesPassport(maskName('Oliver Brown'), 'BROWN<<OLIVER'), true);
    assert.equal(matchesPassport(maskName('Oliver Brown'), 'GREEN<<OLIVER'), false);
    assert.equal(matchesPassport(maskName('Oliver Brown'), 'BROWN<<OSCAR'), false);
    assert.equal(matchesPassport(maskName('Oliver Brown'), 'BROWN<<OLIVER<JAMES'), false);
  });

  it('keeps the accents and national spelling of a name off the code', () => {
    fc.assert(
      fc.property(person, ({ written }) => /^[A-Z* ]+$/.test(maskName(written))),
      { numRuns: 200 },
    );
  });
});

// An officer or a guard reads a masked document number on a screen: enough to match the document in
// the holder's hand, never enough to write the number down (the tester saw C01X*0T47 of C01X00T47).
describe('a document number other than a mainland ID, masked', () => {
  const DOC_CHARS = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
  const documentNumber = fc.array(DOC_CHARS, { minLength: 5, maxLength: 20 }).map((a) => a.join(''));
  const otherType = fc.constantFrom(...ID_TYPES.filter((t) => t !== 'resident_id'));

  it('never shows more than three characters, and masks at least 60% of them', () => {
    fc.assert(
      fc.property(documentNumber, otherType, (number, type) => {
        const masked = maskIdNumber(number, type);
        assert.equal(masked.length, number.length, 'one star for each hidden character');
        const shown = [...masked].filter((c) => c !== '*').length;
        assert.ok(shown <= 3, `${number} -> ${masked} shows ${shown}`);
        assert.ok((masked.length - shown) / masked.length >= 0.6, `${number} -> ${masked} masks too little`);
        // What is shown is the number's own characters in place: the start and the end, no more.
        [...masked].forEach((c, i) => c === '*' || assert.equal(c, number[i]));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the mainland ID masking: issuing area and last four', () => {
    const digits = fc.array(fc.constantFrom(...'0123456789'), { minLength: 17, maxLength: 17 }).map((a) => a.join(''));
    fc.assert(
      fc.property(digits, fc.constantFrom('0', 'X'), (body, last) => {
        const id = body + last;
        assert.equal(maskIdNumber(id, 'resident_id'), `${id.slice(0, 4)}**********${id.slice(-4)}`);
      }),
    );
  });
  it('masks a Han name as the grapheme segmenter reads it, character for character', () => {
    // The fast path for Han names must agree with the general one, which counts graphemes.
    const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });
    const bySegmenter = (name: string) => {
      const chars = [...segmenter.segment(name.trim())].map((g) => g.segment);
      if (chars.length <= 1) return '*';
      if (chars.length === 2) return `${chars[0]}*`;
      return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
    };
    const han = fc.array(fc.oneof(fc.integer({ min: 0x3400, max: 0x4dbf }), fc.integer({ min: 0x4e00, max: 0x9fff }), fc.constantFrom(0xb7, 0x30fb)), { minLength: 0, maxLength: 12 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(fc.property(han, fc.constantFrom('', ' '), (name, pad) => assert.equal(maskName(`${pad}${name}${pad}`), bySegmenter(name))), { numRuns: 500 });
  });

  it('masks a name with a combining mark after a Han character by graphemes, not code units', () => {
    // 'e' + combining acute follows a Han character: not Han-only, so the segmenter counts it as one.
    assert.equal(maskName('王\u0065\u0301明'), '王*明');
  });
});
