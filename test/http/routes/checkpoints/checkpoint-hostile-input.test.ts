import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { MINUTE_MS } from '../../../../src/domain/clock.js';
import { MAX_BATCH } from '../../../../src/services/checkpoints/scans-service.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { ZHANG_WEI } from '../../../support/people.js';
import { lastCodeSentTo } from '../../../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function checkpoint(h: Harness) {
  const app = await h.app();
  const venue = await h.services.venues.registerVenue({ name: '龙翔桥地铁站', type: 'subway_station', region: '330102', address: '延安路', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' });
  const { token: device } = await h.services.venues.registerCheckpointDevice(venue.id, 'C 口 2 号闸机');
  const zhang = await h.services.residents.register(ZHANG_WEI);
  const code = (await h.services.healthCodes.issue(zhang.id)).token;
  return { app, venue, device, zhang, code };
}

const scanCount = async (h: Harness) => (await h.opened.store.db.selectFrom('scans').select('id').execute()).length;
const verify = (app: FastifyInstance, device: string, scanId: string, token: string) => app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId, token } });

describeOnEachEngine('checkpoint endpoints under hostile input', (h) => {
  it('refuses a code with one character changed, admitting nobody', async () => {
    const { app, device, code } = await checkpoint(h());
    const i = code.length - 10;
    const tampered = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    const result = (await verify(app, device, 'tamper-1', tampered)).json();
    assert.equal(result.admitted, false);
    assert.equal(result.colour, null);
    assert.ok(['bad-signature', 'malformed-base45', 'malformed-cbor', 'malformed-claims'].includes(result.reason), result.reason);
  });

  it('refuses a screenshot of a code shown again after the code expired', async () => {
    const { app, device, code } = await checkpoint(h());
    const first = (await verify(app, device, 'replay-1', code)).json();
    assert.deepEqual([first.colour, first.maskedName], ['gray', '张*']);
    h().clock.advance(6 * MINUTE_MS + 1);
    const replayed = (await verify(app, device, 'replay-2', code)).json();
    assert.deepEqual([replayed.admitted, replayed.reason, replayed.maskedName], [false, 'expired', null]);
  });

  it('reports a replayed upload as duplicates and stores nothing new', async () => {
    const { app, device, code } = await checkpoint(h());
    const batch = { scans: [{ scanId: 'c2-000001', token: code, scannedAt: '2026-11-20T09:59:30+08:00' }] };
    await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: batch });
    const replay = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: batch });
    assert.deepEqual(replay.json().results.map((r: { status: string }) => r.status), ['duplicate']);
    assert.equal(await scanCount(h()), 1);
  });

  it('rejects a batch over the limit as a whole, naming the field, and stores none of it', async () => {
    const { app, device, code } = await checkpoint(h());
    // Small rows, so the count and not the body size is what is over.
    const scans = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ scanId: `${i}`, token: code.slice(0, 8), scannedAt: 'x' }));
    const response = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, 'scans');
    assert.equal(await scanCount(h()), 0);
  });

  it('rejects a body over the size limit with 413 and stores none of it', async () => {
    const { app, device, code } = await checkpoint(h());
    const scans = Array.from({ length: 300 }, (_, i) => ({ scanId: `big-${i}`, token: code, scannedAt: '2026-11-20T09:59:30+08:00' }));
    const response = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans } });
    assert.equal(response.statusCode, 413);
    assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(await scanCount(h()), 0);
  });

  it('rejects a scan dated in the future by itself, naming its field', async () => {
    const { app, device, code } = await checkpoint(h());
    const scans = [
      { scanId: 'ok-1', token: code, scannedAt: '2026-11-20T09:59:30+08:00' },
      { scanId: 'future-1', token: code, scannedAt: '2026-11-20T11:00:00+08:00' },
    ];
    const results = (await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans } })).json().results;
    assert.deepEqual(results.map((r: { status: string; field?: string }) => [r.status, r.field]), [['stored', undefined], ['rejected', 'scans[1].scannedAt']]);
  });

  it('answers a revoked or made-up device credential with 401 and stores nothing', async () => {
    const { app, code } = await checkpoint(h());
    for (const credential of ['hcd_00000000-0000-0000-0000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'hcs_notadevice', '']) {
      assert.equal((await verify(app, credential, 'x1', code)).statusCode, 401);
    }
    assert.equal(await scanCount(h()), 0);
  });

  it('refuses a forged place code, naming the field, and records no visit', async () => {
    const { app, venue, zhang } = await checkpoint(h());
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const session = (await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'))).token;
    const forged = venue.placeCode.slice(0, -4) + 'AAAA';
    const response = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/visits`, headers: bearer(session), payload: { placeCode: forged, visitId: 'v1' } });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().field, 'placeCode');
    assert.equal(await scanCount(h()), 0);
  });

  it('answers arbitrary upload bodies with 200 or a problem, and stores exactly the scans it reports stored', async () => {
    const { app, device, code } = await checkpoint(h());
    const scan = fc.record({
      scanId: fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z0-9-]{1,20}$/)),
      token: fc.oneof(fc.constant(code), fc.string({ maxLength: 300 }), fc.constant(`JKM1:${'A'.repeat(200)}`)),
      scannedAt: fc.oneof(fc.constant('2026-11-20T09:59:00+08:00'), fc.string({ maxLength: 30 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    });
    let reportedStored = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ scans: fc.array(scan, { maxLength: 8 }) }), fc.jsonValue({ maxDepth: 3 })), async (body) => {
        const response = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: { ...bearer(device), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
        assert.ok(response.statusCode === 200 || response.statusCode === 400, `status ${response.statusCode}: ${response.body}`);
        if (response.statusCode === 200) reportedStored += response.json().results.filter((r: { status: string }) => r.status === 'stored').length;
      }),
      { numRuns: 120 },
    );
    assert.equal(await scanCount(h()), reportedStored);
  });
});
