import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// Loaded by computed names: these modules are compiled with web/'s DOM settings (npm run typecheck), not the server's.
const [codeModule, apiModule] = ['../../web/src/scanner/offline-code.js', '../../web/src/shared/api.js'];
type Verdict = { admitted: boolean; reason: string; colour: string | null; advice?: { words: string } } | null;
const { serverVerdict } = (await import(codeModule)) as { serverVerdict: (asked: { answer: object } | { failed: unknown }, state: { listsCurrent: boolean }) => Verdict };
const { ApiError, NetworkError } = (await import(apiModule)) as {
  ApiError: new (status: number, title: string, detail: string, field: string | undefined) => Error;
  NetworkError: new (message: string) => Error;
};

const state = { listsCurrent: true };
const verdict = { scanId: 's-1', status: 'stored' as const, colour: 'green', maskedName: '张*明', validUntil: '2026-11-20T14:00:00.000Z', admitted: true, reason: 'allowed' };

/** Whether the server's answer overrides the scanner's own offline verdict on an offline code. */
describe("the server's answer on an offline code", () => {
  it('admits when the server admits', () => {
    assert.deepEqual([serverVerdict({ answer: verdict }, state)?.admitted, serverVerdict({ answer: verdict }, state)?.reason], [true, 'allowed']);
  });

  it('refuses when the server refuses, whatever colour the pass carries', () => {
    const refused = serverVerdict({ answer: { ...verdict, colour: null, maskedName: null, validUntil: null, admitted: false, reason: 'expired' } }, state);
    assert.deepEqual([refused?.admitted, refused?.reason, refused?.advice?.words], [false, 'expired', 'reason.expired']);
  });

  it('refuses when the server answers 404, as it did for a pass whose resident deleted the account', () => {
    const refused = serverVerdict({ failed: new ApiError(404, 'Not Found', 'resident not found', undefined) }, state);
    assert.deepEqual([refused?.admitted, refused?.colour], [false, null]);
  });

  it('refuses on any other 4xx: the server answered', () => {
    for (const status of [400, 401, 403, 409, 422, 429]) assert.equal(serverVerdict({ failed: new ApiError(status, 'No', '', undefined) }, state)?.admitted, false, String(status));
  });

  it('refuses a row the server could not read rather than leaving the offline verdict', () => {
    const refused = serverVerdict({ answer: { ...verdict, status: 'rejected', field: 'scans[0].scanId', reason: 'must be 1 to 64 letters, digits, - or _' } }, state);
    assert.equal(refused?.admitted, false);
  });

  it('leaves the offline verdict standing when the network fails or times out', () => {
    assert.equal(serverVerdict({ failed: new NetworkError('fetch failed') }, state), null);
    assert.equal(serverVerdict({ failed: new DOMException('timed out', 'TimeoutError') }, state), null);
  });

  it('leaves the offline verdict standing when the server fails (5xx)', () => {
    for (const status of [500, 502, 503, 504]) assert.equal(serverVerdict({ failed: new ApiError(status, 'Down', '', undefined) }, state), null, String(status));
  });
});
