import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/services.js';
import type { MetricsExposition } from '../metrics.js';
import { NEVER_SHED } from '../protection.js';
import { DATABASE_RETRY_AFTER_SECONDS, PROBLEM_TYPES, problem, sendProblem, type ProblemType } from '../problem.js';

export interface SystemRoutesOptions {
  system: Services['system'];
  metrics: MetricsExposition;
  /** Why the service sheds load now, if it does. */
  pressure: () => string | undefined;
  /** Whether the server is stopping (drain.ts): a load balancer reading readiness stops sending at once. */
  draining: () => boolean;
}

/** Liveness, readiness, metrics, and the descriptions behind problem types. */
export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesOptions> = async (app, { system, metrics, pressure, draining }) => {
  app.get(
    '/healthz',
    { config: { ...NEVER_SHED, access: { public: true } }, schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { ...NEVER_SHED, access: { public: true } },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the server is not stopping, the database answers (within a second, whatever the database does) and the service is not shedding load',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), 503: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      if (draining()) {
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return sendProblem(reply, problem('not-ready', 'draining: this server is stopping; it answers what it has received and takes no new connections', request.url));
      }
      const shedding = pressure();
      if (shedding !== undefined) {
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return sendProblem(reply, problem('not-ready', `shedding load: ${shedding}`, request.url));
      }
      if (await system.ping()) return { status: 'ready' as const, database: system.engine };
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendProblem(reply, problem('not-ready', `the ${system.engine} database does not answer`, request.url));
    },
  );

  app.get('/metrics', { config: { ...NEVER_SHED, access: { public: true } }, schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' } }, async (request, reply) => {
    let text: string;
    try {
      text = await metrics.metrics();
    } catch (error) {
      // A worker that does not answer: the scrape fails (Prometheus marks it down) rather than
      // answer counters missing that worker's part, which would read as a reset.
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendProblem(reply, problem('not-ready', `the figures could not be gathered: ${(error as Error).message}`, request.url));
    }
    reply.type(metrics.contentType);
    return text;
  });

  app.get(
    '/problems/:type',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['operations'],
        summary: 'What a problem type means',
        params: Type.Object({ type: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Object({ type: Type.String(), title: Type.String(), status: Type.Integer(), description: Type.String() }), 404: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const known = Object.hasOwn(PROBLEM_TYPES, request.params.type);
      if (!known) return sendProblem(reply, problem('not-found', `no problem type '${request.params.type}'`, request.url));
      const { title, status, description } = PROBLEM_TYPES[request.params.type as ProblemType];
      return { type: `/problems/${request.params.type}`, title, status, description };
    },
  );
};
