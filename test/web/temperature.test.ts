import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTemperature } from '../../web/src/shared/temperature.js';

describe('a body temperature as a resident types it', () => {
  const checkIn = { notMeasuredAllowed: false };
  const declaration = { notMeasuredAllowed: true, notMeasured: false };

  it('reads a measured temperature to a tenth of a degree', () => {
    assert.deepEqual(readTemperature('36.8', checkIn), { ok: true, value: 36.8 });
    assert.deepEqual(readTemperature(' 37.25 ', checkIn), { ok: true, value: 37.3 });
  });

  it('reads a decimal comma as a point', () => {
    assert.deepEqual(readTemperature('36,6', checkIn), { ok: true, value: 36.6 });
  });

  it('asks for a temperature left empty where one must be measured (the check-in)', () => {
    assert.deepEqual(readTemperature('', checkIn), { ok: false, problem: 'temperature.missing' });
  });

  it('asks for a temperature or the "not measured" tick where the form allows it (the declaration)', () => {
    assert.deepEqual(readTemperature('  ', declaration), { ok: false, problem: 'temperature.missingOrNone' });
  });

  it('sends "not measured" as no temperature, whatever the field holds', () => {
    assert.deepEqual(readTemperature('', { notMeasuredAllowed: true, notMeasured: true }), { ok: true, value: null });
  });

  it('refuses a temperature outside 34–43 °C, or in Fahrenheit, or not a number', () => {
    for (const typed of ['33.9', '43.1', '98.6', '3', '36.5°', 'abc', '-36']) assert.deepEqual(readTemperature(typed, checkIn), { ok: false, problem: 'temperature.range' }, typed);
  });

  it('accepts the bounds themselves', () => {
    assert.deepEqual(readTemperature('34', checkIn), { ok: true, value: 34 });
    assert.deepEqual(readTemperature('43.0', checkIn), { ok: true, value: 43 });
  });
});
