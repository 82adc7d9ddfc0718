import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RememberedDeviceView } from '../../../services/residents/remembered-devices-service.js';
import type { Services } from '../../../services/services.js';
import { residentCaller } from '../../route-access.js';
import { RememberedDeviceViewSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';
import { sessionWire } from '../../views.js';
import { wireTime } from '../../wire.js';

const deviceWire = <D extends { expiresAt: number }>(d: D) => ({ ...d, expiresAt: wireTime(d.expiresAt) });
const listedWire = (d: RememberedDeviceView) => ({ ...deviceWire(d), createdAt: wireTime(d.createdAt), lastUsedAt: wireTime(d.lastUsedAt) });

const SessionBody = Type.Object({ token: Type.String(), residentId: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });
const RememberedDeviceSchema = Type.Object({
  id: Type.String(),
  refreshToken: Type.String({ description: 'Shown once; each use replaces it. One used after it was replaced signs the device out.' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

/** Staying signed in on one's own device (a remembered device): remember it, refresh a session through it, list and sign out devices. */
export const rememberedDeviceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/v1/devices',
    {
      config: { access: { resident: 'signed-in' } },
      schema: {
        tags: ['sign-in'],
        summary: 'Remember this device (right after signing in with an SMS code): it may open new sessions without one',
        body: Type.Object({ label: Type.String({ maxLength: 200, description: 'What the resident will recognise it by, e.g. "Chrome on Android"' }) }, { additionalProperties: false }),
        response: { 201: RememberedDeviceSchema, ...problemResponses(400, 401, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(deviceWire(await services.rememberedDevices.remember(residentCaller(request), request.body.label))),
  );

  app.post(
    '/api/v1/sign-in/refresh',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['sign-in'],
        summary: "A new session from a remembered device's refresh credential, and the credential that replaces it",
        body: Type.Object({ refreshToken: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ session: SessionBody, device: RememberedDeviceSchema }), ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const { session, device } = await services.rememberedDevices.refresh(request.body.refreshToken);
      return reply.code(201).send({ session: sessionWire(session), device: deviceWire(device) });
    },
  );

  app.get(
    '/api/v1/devices',
    {
      config: { access: { resident: 'signed-in' } },
      schema: {
        tags: ['sign-in'],
        summary: 'The devices you stay signed in on; `current` is this one',
        response: {
          200: Type.Array(RememberedDeviceViewSchema),
          ...problemResponses(401),
        },
      },
    },
    async (request) => (await services.rememberedDevices.list(residentCaller(request))).map(listedWire),
  );

  app.delete(
    '/api/v1/devices/:deviceId',
    {
      config: { access: { resident: 'signed-in' } },
      schema: {
        tags: ['sign-in'],
        summary: 'Sign a device out, with every session opened on it',
        params: Type.Object({ deviceId: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const caller = residentCaller(request);
      await services.rememberedDevices.signOut(caller, request.params.deviceId);
      // Host apps' tokens end with it: none acts for a resident who signed out until they approve again.
      await services.hostApps.endTokensOf(caller.residentId);
      return reply.code(204).send(null);
    },
  );
};
