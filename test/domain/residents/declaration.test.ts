import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDeclaration, type DeclarationInput } from '../../../src/domain/declaration.js';
import { InvalidInputError } from '../../../src/domain/field-errors.js';

const now = new Date('2026-11-20T10:00:00+08:00');
const zone = 'Asia/Shanghai';

const trip: DeclarationInput = {
  stays: [
    { region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' },
    { country: 'JPN', arrival: '2026-11-16T09:00:00+09:00', departure: '2026-11-18T21:00:00+09:00' },
    { region: '330110', arrival: '2026-11-19T01:10:00+08:00' },
  ],
  contacts: [{ kind: 'suspected', date: '2026-11-14' }],
  symptoms: ['dry_cough', 'fatigue'],
  temperature: 37.26,
};

function fieldsOf(input: DeclarationInput): string[] {
  try {
    checkDeclaration(input, now, zone);
  } catch (error) {
    assert.ok(error instanceof InvalidInputError);
    return error.errors.map((e) => e.field);
  }
  return [];
}

describe('declarations', () => {
  it('accepts a 14-day trip and normalises countries, instants and temperature', () => {
    const d = checkDeclaration(trip, now, zone);
    assert.deepEqual(d.stays, [
      { region: '420106', arrival: Date.parse('2026-11-12T00:00:00Z'), departure: Date.parse('2026-11-15T10:30:00Z') },
      { country: 'JP', arrival: Date.parse('2026-11-16T00:00:00Z'), departure: Date.parse('2026-11-18T12:00:00Z') },
      { region: '330110', arrival: Date.parse('2026-11-18T17:10:00Z'), departure: null },
    ]);
    assert.equal(d.temperature, 37.3);
    assert.deepEqual(d.symptoms, ['dry_cough', 'fatigue']);
  });
  it('rejects an arrival in the future, naming the field', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330110', arrival: '2026-11-21T08:00:00+08:00' }] }), ['stays[0].arrival']);
  });
  it('allows a few minutes of clock drift on the device', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330110', arrival: '2026-11-20T10:03:00+08:00' }] }), []);
  });
  it('rejects a departure before the arrival', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330110', arrival: '2026-11-18T08:00:00+08:00', departure: '2026-11-17T08:00:00+08:00' }] }), [
      'stays[0].departure',
    ]);
  });
  it('rejects a stay that ended before the 14-day window', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330110', arrival: '2026-10-01T08:00:00+08:00', departure: '2026-11-05T08:00:00+08:00' }] }), [
      'stays[0].departure',
    ]);
  });
  it('rejects an unknown region code', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330199', arrival: '2026-11-18T08:00:00+08:00' }] }), ['stays[0].region']);
  });
  it('rejects China given as a country', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ country: 'CN', arrival: '2026-11-18T08:00:00+08:00' }] }), ['stays[0].country']);
  });
  it('rejects a stay with both a region and a country', () => {
    assert.deepEqual(fieldsOf({ ...trip, stays: [{ region: '330110', country: 'JP', arrival: '2026-11-18T08:00:00+08:00' }] }), ['stays[0]']);
  });
  it('rejects a date-time without a time zone and a date that does not exist', () => {
    assert.deepEqual(
      fieldsOf({ ...trip, stays: [{ region: '330110', arrival: '2026-11-18T08:00:00' }, { region: '330110', arrival: '2026-02-30T08:00:00+08:00' }] }),
      ['stays[0].arrival', 'stays[1].arrival'],
    );
  });
  it('rejects a contact date in the future of the local calendar', () => {
    assert.deepEqual(fieldsOf({ ...trip, contacts: [{ kind: 'confirmed', date: '2026-11-21' }] }), ['contacts[0].date']);
  });
  it('takes today from the service time zone, not UTC', () => {
    // 00:30 on the 21st in Shanghai is still the 20th in UTC.
    const d = checkDeclaration({ ...trip, contacts: [{ kind: 'confirmed', date: '2026-11-21' }] }, new Date('2026-11-21T00:30:00+08:00'), zone);
    assert.deepEqual(d.contacts, [{ kind: 'confirmed', date: '2026-11-21' }]);
  });
  it('rejects temperatures outside 34-43 °C', () => {
    assert.deepEqual(fieldsOf({ ...trip, temperature: 33.9 }), ['temperature']);
    assert.deepEqual(fieldsOf({ ...trip, temperature: 43.1 }), ['temperature']);
  });
  it('rejects an unknown symptom, naming its position', () => {
    assert.deepEqual(fieldsOf({ ...trip, symptoms: ['fever', 'headache'] }), ['symptoms[1]']);
  });
  it('reports every bad field at once', () => {
    assert.deepEqual(fieldsOf({ stays: [{ region: '000000', arrival: 'yesterday' }], contacts: [{ kind: 'rumoured', date: '2026-13-01' }], symptoms: [], temperature: 50 }), [
      'stays[0].region',
      'stays[0].arrival',
      'contacts[0].kind',
      'contacts[0].date',
      'temperature',
    ]);
  });
});
