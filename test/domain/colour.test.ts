import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCorrectionOf } from '../../src/domain/colour.js';

describe('whether a colour now answers an appeal as corrected', () => {
  it('counts a milder colour: yellow appealed, green now', () => {
    assert.equal(isCorrectionOf('yellow', 'green'), true);
    assert.equal(isCorrectionOf('red', 'yellow'), true);
  });
  it('does not count a worse colour: yellow appealed, red now', () => {
    assert.equal(isCorrectionOf('yellow', 'red'), false);
  });
  it('does not count the same colour', () => {
    assert.equal(isCorrectionOf('red', 'red'), false);
  });
  it('does not count gray, which says nothing is known of the person', () => {
    assert.equal(isCorrectionOf('red', 'gray'), false);
    assert.equal(isCorrectionOf('gray', 'green'), true);
  });
});
