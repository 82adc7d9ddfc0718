import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RETRIES, MAX_TOTAL_WAIT_MS, MAX_WAIT_SECONDS, retryDelayMs, type Refusal } from '../../web/src/shared/retry.js';

const overloaded: Refusal = { method: 'POST', status: 503, type: 'overloaded', retryAfter: '2' };

describe('when the apps ask again by themselves', () => {
  it('waits at least as long as Retry-After says, and at most half as long again', () => {
    assert.equal(retryDelayMs(overloaded, 0, 0), 2000);
    assert.equal(retryDelayMs(overloaded, 0, 0.999), 2000 * 1.4995);
  });

  it('sends any request again after a refusal made before it did anything: shed load or a request limit', () => {
    assert.ok(retryDelayMs(overloaded, 0, 0.5)! > 0);
    assert.ok(retryDelayMs({ method: 'POST', status: 429, type: 'too-many-requests', retryAfter: '5' }, 0, 0.5)! > 0);
  });

  it('sends a write again after the database failed only if it changes nothing: a write may have landed', () => {
    assert.equal(retryDelayMs({ method: 'POST', status: 503, type: 'unavailable', retryAfter: '5' }, 0, 0.5), undefined);
    assert.ok(retryDelayMs({ method: 'GET', status: 503, type: 'unavailable', retryAfter: '5' }, 0, 0.5)! > 0);
  });

  it(`shows a wait over ${MAX_WAIT_SECONDS} s to the person instead of keeping them waiting`, () => {
    assert.equal(retryDelayMs({ ...overloaded, retryAfter: String(MAX_WAIT_SECONDS + 1) }, 0, 0), undefined);
    assert.equal(retryDelayMs({ ...overloaded, retryAfter: String(MAX_WAIT_SECONDS) }, 0, 0), MAX_WAIT_SECONDS * 1000);
  });

  it(`gives up rather than wait more than ${MAX_TOTAL_WAIT_MS / 1000} s in all`, () => {
    const database: Refusal = { method: 'GET', status: 503, type: 'unavailable', retryAfter: '5' };
    assert.equal(retryDelayMs(database, 2, 0, 10_000), 5000, 'a third wait of 5 s after 10 s');
    assert.equal(retryDelayMs(database, 2, 0.5, 10_000), undefined, 'but not one of 6.25 s');
  });

  it(`gives up after ${MAX_RETRIES} retries`, () => {
    assert.ok(retryDelayMs(overloaded, MAX_RETRIES - 1, 0)! > 0);
    assert.equal(retryDelayMs(overloaded, MAX_RETRIES, 0), undefined);
  });

  it('does not retry without a Retry-After it understands, nor any other refusal', () => {
    for (const retryAfter of [null, '', 'soon', '-1', '1.5', 'Wed, 21 Oct 2026 07:28:00 GMT']) assert.equal(retryDelayMs({ ...overloaded, retryAfter }, 0, 0), undefined, String(retryAfter));
    assert.equal(retryDelayMs({ method: 'GET', status: 500, type: 'internal', retryAfter: '1' }, 0, 0), undefined);
    assert.equal(retryDelayMs({ method: 'GET', status: 503, type: 'operator-unavailable', retryAfter: '1' }, 0, 0), undefined);
  });
});
