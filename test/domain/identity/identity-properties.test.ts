import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkIdentity, ID_TYPES } from '../../../src/domain/identity/identity-document.js';
import { mod11_2CheckCharacter } from '../../../src/domain/identity/check-digits.js';
import { checkMainlandResidentId } from '../../../src/domain/identity/mainland-resident-id.js';

const today = new Date('2026-11-20T02:00:00Z');

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE residents; --', '\u0000\u0001\u001b[31m', '𠮷𠮷𠮷🙂🙂', '١٢٣٤٥٦٧٨٩٠', '１１０１０５１９４９１２３１００２Ｘ', 'x'.repeat(100_000)),
);

/** A well-formed mainland ID number: a real province, a real birth date, any sequence, the right check. */
const validMainlandId = fc
  .record({
    province: fc.constantFrom('11', '31', '33', '42', '44', '51', '65'),
    rest: fc.integer({ min: 0, max: 9999 }),
    born: fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2026-11-19T00:00:00Z'), noInvalidDate: true }),
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ province, rest, born, sequence }) => {
    const first17 = `${province}${String(rest).padStart(4, '0')}${born.toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
    return first17 + mod11_2CheckCharacter(first17);
  });

describe('identity validators under random and hostile input', () => {
  it('never throw, whatever the text and document type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ID_TYPES, 'other'), hostileText, fc.option(hostileText, { nil: undefined }), (idType, idNumber, idCountry) => {
        const result = checkIdentity({ idType, idNumber, idCountry }, today);
        assert.equal(typeof result.ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('accept every well-formed mainland number', () => {
    fc.assert(fc.property(validMainlandId, (id) => checkMainlandResidentId(id, today).ok), { numRuns: 1000 });
  });

  it('reject every mainland number with one digit changed (MOD 11-2 catches single errors)', () => {
    fc.assert(
      fc.property(validMainlandId, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, position, delta) => {
        const digit = (Number(id[position]) + delta) % 10;
        const changed = id.slice(0, position) + digit + id.slice(position + 1);
        return !checkMainlandResidentId(changed, today).ok;
      }),
      { numRuns: 1000 },
    );
  });

  it('reject every mainland number with two adjacent digits swapped, when they differ', () => {
    fc.assert(
      fc.property(validMainlandId, fc.integer({ min: 0, max: 15 }), (id, i) => {
        fc.pre(id[i] !== id[i + 1]);
        const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
        return !checkMainlandResidentId(swapped, today).ok;
      }),
      { numRuns: 1000 },
    );
  });
});
