import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { residentWire, sessionWire } from '../../views.js';
import { DependentBody, DependentSummarySchema, problemResponses, RegistrationBody, signInProblemResponses, ResidentIdParams, ResidentSummarySchema, SessionSchema } from '../../schemas.js';

/** Registration, the resident's own record, households, and the rights to export and erase. */
export const residentRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/v1/residents',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['residents'],
        summary: 'Register a resident, with the code sent to their phone; answers with a session',
        description:
          'First POST /api/v1/sign-in/code with the phone, then send the form with the code. ID number, name, phone and address are encrypted at rest. A phone that already has an account gets 409 (its holder may sign in). An identity document another account holds gets 409 identity-taken, which reveals nothing about that account and opens a reclaim for the caller.',
        body: RegistrationBody,
        response: { 201: Type.Object({ ...ResidentSummarySchema.properties, session: SessionSchema }), ...signInProblemResponses(400, 401, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { resident, session } = await services.registration.register(request.body, () => app.limitRegistration(request));
      return reply.code(201).send({ ...residentWire(resident), session: sessionWire(session) });
    },
  );

  app.get(
    '/api/v1/residents/:id',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['residents'],
        summary: 'A resident, masked (yourself or a dependent)',
        params: ResidentIdParams,
        response: { 200: ResidentSummarySchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return residentWire(await services.residents.summary(request.params.id));
    },
  );

  app.delete(
    '/api/v1/residents/:id',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['residents'],
        summary: 'Delete an account and everything that depends on it',
        description: 'Deletes the resident, their declarations, sessions and household links, and dependents that no other guardian looks after.',
        params: ResidentIdParams,
        response: { 200: Type.Object({ deleted: Type.Array(Type.String(), { description: 'Ids of the residents deleted' }) }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return { deleted: await services.residents.deleteAccount(request.params.id) };
    },
  );

  app.get(
    '/api/v1/residents/:id/export',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['residents'],
        summary: 'Export all data held about a resident, as JSON',
        params: ResidentIdParams,
        response: { 200: Type.Unsafe({ type: 'object', additionalProperties: true, description: 'healthcode-export/1 document' }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const data = await services.residents.exportData(request.params.id);
      reply.header('content-disposition', `attachment; filename="healthcode-export-${request.params.id}.json"`);
      reply.header('cache-control', 'no-store');
      return data;
    },
  );

  app.post(
    '/api/v1/residents/:id/dependents',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['households'],
        summary: 'Add a household member without a phone (elderly, child) to act for',
        description: "Answered alike (201) whether the ID number is free or another account holds it: then the member is added holding no identity and a reclaim opens for the health authority, out of band. Limited per resident and per address (429). Until the member's identity is checked at a gate, a service point or by the authority, the authority's records about the number set their colour but are not shown in detail.",
        params: ResidentIdParams,
        body: DependentBody,
        response: { 201: DependentSummarySchema, ...problemResponses(400, 401, 404, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      await app.limitResident(request, 'dependents', request.params.id);
      // A guardian acting for a dependent is refused by the service: dependents do not have dependents.
      return reply.code(201).send(residentWire(await services.registration.addDependent(request.params.id, request.body)));
    },
  );

  app.get(
    '/api/v1/residents/:id/dependents',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['households'],
        summary: 'The dependents a resident acts for',
        params: ResidentIdParams,
        response: { 200: Type.Array(DependentSummarySchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return (await services.residents.dependents(request.params.id)).map(residentWire);
    },
  );
};
