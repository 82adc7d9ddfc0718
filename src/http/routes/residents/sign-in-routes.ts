import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { SMS_SCRIPTS, type SmsScript } from '../../../domain/sms-script.js';
import { residentCaller } from '../../route-access.js';
import { problemResponses, SignInTicket, signInProblemResponses } from '../../schemas.js';
import { sessionWire } from '../../views.js';
import { wireTime } from '../../wire.js';

const Phone = Type.String({ minLength: 1, maxLength: 32, description: 'The phone the resident registered', examples: ['13800138001'] });
const Script = Type.Unsafe<SmsScript>({ type: 'string', enum: [...SMS_SCRIPTS], description: "The script of the text's Chinese, as the app reads: zh-CN (Simplified, the default) or zh-Hant (Traditional); its English is in every text" });

/** Sign-in by phone and one-time code; sessions are signed tokens that expire and can be ended. */
export const signInRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // The demo has no SMS gateway: in development mode only, the app may show what the SMS would say.
  if (services.settings.mode === 'development') {
    app.get(
      '/api/v1/dev/outbox',
      {
        config: { access: { public: true } },
        schema: {
          tags: ['sign-in'],
          summary: 'Development mode only: the last SMS sent to a phone (absent in production)',
          querystring: Type.Object({ phone: Phone }, { additionalProperties: false }),
          response: { 200: Type.Object({ body: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(400, 422) },
        },
      },
      async (request) => ({ body: await services.signIn.lastMessageTo(request.query.phone) }),
    );
  }

  app.post(
    '/api/v1/sign-in/code',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['sign-in'],
        summary: 'Send a one-time sign-in code by SMS',
        description: 'Answers the same whether or not the phone is registered; the answer holds a request ticket to send back with the code.',
        body: Type.Object({ phone: Phone, script: Type.Optional(Script) }, { additionalProperties: false }),
        response: {
          202: Type.Object({
            expiresAt: Type.String({ format: 'date-time' }),
            resendAfterSeconds: Type.Integer(),
            ticket: Type.String({ description: 'Keep it with the phone and send it back with the code: guesses without it cannot use up the attempts kept for you' }),
          }),
          ...problemResponses(400, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const requested = await services.signIn.requestSignInCode(request.body.phone, { script: request.body.script });
      return reply.code(202).send({ ...requested, expiresAt: wireTime(requested.expiresAt) });
    },
  );

  app.post(
    '/api/v1/sign-in/session',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['sign-in'],
        summary: 'Exchange the code for a session token',
        body: Type.Object({ phone: Phone, code: Type.String({ minLength: 1, maxLength: 12 }), ticket: Type.Optional(SignInTicket) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ token: Type.String(), residentId: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          ...signInProblemResponses(400, 401, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply) => reply.code(201).send(sessionWire(await services.signIn.verifySignInCode(request.body.phone, request.body.code, request.body.ticket))),
  );

  app.post(
    '/api/v1/sign-out',
    { config: { access: { resident: 'signed-in' } }, schema: { tags: ['sign-in'], summary: 'End the current session', response: { 204: Type.Null(), ...problemResponses(401) } } },
    async (request, reply) => {
      const caller = residentCaller(request);
      await services.signIn.signOut(caller.sessionId);
      // Host apps' tokens end with it: none acts for a resident who signed out until they approve again.
      await services.hostApps.endTokensOf(caller.residentId);
      return reply.code(204).send(null);
    },
  );
};
