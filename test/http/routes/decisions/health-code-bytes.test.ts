import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify, { type LightMyRequestResponse } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { HealthCodeSchema } from '../../../../src/http/response-schemas.js';
import { withTraditional } from '../../../../src/domain/traditional-text.js';
import { healthCodeView } from '../../../../src/http/views.js';
import type { Services } from '../../../../src/services/services.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../../support/people.js';
import { signedUpThroughApi } from '../../../support/sign-in.js';

/** Zhang Wei with a fever: yellow, with rules whose texts are answered in Traditional Chinese too. */
async function feverishResident(h: Harness, app: FastifyInstance) {
  const resident = await signedUpThroughApi(h, ZHANG_WEI, app);
  const declared = await app.inject({ method: 'POST', url: `/api/v1/residents/${resident.id}/declarations`, headers: resident.auth, payload: { stays: [], contacts: [], symptoms: ['fever', 'dry_cough'], temperature: 38.4 } });
  assert.equal(declared.statusCode, 201, declared.body);
  // The district's first code ever makes its signing key, a change that keeps that code out of
  // memory: Liu Fang's is that one, so Zhang Wei's is kept and shown again.
  await h.services.healthCodes.issue((await signedUpThroughApi(h, LIU_FANG, app)).id);
  return resident;
}

/**
 * The code view the obvious way: the view object returned from a route with the same response
 * schema, serialized by Fastify after `zh-Hant` is added, as the app's preSerialization hook does.
 */
async function obviousAnswer(services: Services, residentId: string): Promise<LightMyRequestResponse> {
  const bare = Fastify();
  bare.get('/code', { schema: { response: { 200: HealthCodeSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return withTraditional(await healthCodeView(services, residentId));
  });
  try {
    return await bare.inject({ method: 'GET', url: '/code' });
  } finally {
    await bare.close();
  }
}

/** Headers that describe the body, not the request. */
const bodyHeaders = (r: LightMyRequestResponse) => ({ 'content-type': r.headers['content-type'], 'content-length': r.headers['content-length'], 'cache-control': r.headers['cache-control'] });

describeOnEachEngine('the code view on the wire (kept as UTF-8 bytes)', (h) => {
  it('answers the bytes and body headers of the view serialized the obvious way, Traditional Chinese included', async () => {
    const app = await h().app();
    const { id, auth } = await feverishResident(h(), app);
    const answered = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth });
    assert.equal(answered.statusCode, 200, answered.body);
    const obvious = await obviousAnswer(h().services, id);
    assert.ok(answered.rawPayload.equals(obvious.rawPayload), `${answered.body}\n!=\n${obvious.body}`);
    assert.deepEqual(bodyHeaders(answered), { ...bodyHeaders(obvious), 'content-type': 'application/json; charset=utf-8' });
    assert.equal(Number(answered.headers['content-length']), answered.rawPayload.length);
    assert.match(answered.body, /"zh-Hant":"[^"]*[\u4e00-\u9fff]/);
  });

  it('answers a refresh from memory with the same bytes and body headers as the first view', async () => {
    const app = await h().app();
    const { id, auth } = await feverishResident(h(), app);
    const first = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth });
    const refresh = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth });
    assert.equal(refresh.statusCode, 200, refresh.body);
    assert.ok(refresh.rawPayload.equals(first.rawPayload));
    assert.deepEqual(bodyHeaders(refresh), bodyHeaders(first));
  });
});
