import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerCredential } from '../../src/http/auth.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('the credential an Authorization header carries', () => {
  it('reads the bearer scheme in any case, as HTTP says schemes are', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) assert.equal(bearerCredential(`${scheme} ${TOKEN}`), TOKEN, scheme);
  });

  it('reads it however the header is spaced', () => {
    assert.equal(bearerCredential(`Bearer \t ${TOKEN}\t`), TOKEN);
  });

  it('finds none in another scheme, an empty credential or no header', () => {
    assert.equal(bearerCredential(`Basic ${TOKEN}`), undefined);
    assert.equal(bearerCredential('Bearer '), undefined);
    assert.equal(bearerCredential(`Bearer ${TOKEN} extra`), undefined);
    assert.equal(bearerCredential(undefined), undefined);
  });
});
