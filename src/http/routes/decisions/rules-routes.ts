import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRulesJurisdiction } from '../../../services/decisions/rules-service.js';
import type { Services } from '../../../services/services.js';
import type { StaffMember } from '../../../services/staff-service.js';
import { staffCaller } from '../../route-access.js';
import { isRegionCode } from '../../../domain/regions.js';
import { withClears } from '../../../domain/rules/clearing.js';
import type { EffectiveRuleSet } from '../../../domain/rules/rule-inheritance.js';
import type { LocalizedText, Rule } from '../../../domain/rules/rule-set.js';
import { NotFoundError } from '../../../services/service-errors.js';
import { EffectiveRuleSetSchema, RulePreviewSchema, RuleSetSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';

/** The rules are public: anyone may read every version. Only the health authority publishes. */
export const rulesRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/rules',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['rules'],
        summary: 'The current rule set of every region (no sign-in needed)',
        querystring: Type.Object({ region: Type.Optional(Type.String({ pattern: '^(CN|\\d{6})$', description: 'Every version of this region instead' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ruleSets: Type.Array(RuleSetSchema) }), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ ruleSets: request.query.region ? await services.rules.history(request.query.region) : await services.rules.current() }),
  );

  app.get(
    '/api/v1/rules/effective',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['rules'],
        summary: 'The rules that govern residents of a region (no sign-in needed)',
        description: "The national set extended by each published set of the province, city and district on the way down: every rule with the region that published it, the versions it was folded from, and each inherited rule a region replaced or withdrew, with that region's reason.",
        querystring: Type.Object({ region: Type.String({ pattern: '^(CN|\\d{6})$', description: 'CN, or a GB/T 2260 region code' }) }, { additionalProperties: false }),
        response: { 200: EffectiveRuleSetSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      if (request.query.region !== 'CN' && !isRegionCode(request.query.region)) throw new NotFoundError(`region ${request.query.region}`);
      const effective = await services.rules.effective(request.query.region);
      if (!effective) throw new NotFoundError('rule set');
      return shown(effective);
    },
  );

  app.post(
    '/api/v1/rules',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['rules'],
        summary: 'Publish a new version of a region’s rule set (authority)',
        description: 'Unknown fields, wrong types, operators outside the safe set, facts outside the published vocabulary, and any rule reading origin, household registration, ethnicity or nationality are refused with the rule and path named.',
        body: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, description: 'A rule set draft: region, rules, overrides; checked by the rule validator, which names the rule and path of each problem' }),
        response: { 201: RuleSetSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      requireJurisdictionOver(staffCaller(request), request.body);
      return reply.code(201).send(await services.rules.publish(request.body));
    },
  );

  app.post(
    '/api/v1/rules/preview',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['rules'],
        summary: 'What publishing a rule set would change, without publishing it (authority)',
        description: 'Checked exactly as publishing is; then every resident it would govern is decided under it and compared with their colour now. Counts go through the small-count protection as on the dashboard; every preview is written to the audit log with what it showed.',
        body: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true, description: 'A rule set draft: region, rules, overrides; checked by the rule validator, which names the rule and path of each problem' }),
        response: {
          200: RulePreviewSchema,
          ...problemResponses(400, 401, 403, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const staff = staffCaller(request);
      requireJurisdictionOver(staff, request.body);
      const candidate = await services.rules.candidate(request.body);
      return { ...(await services.previews.rules(staff, candidate)), candidate, effective: shown((await services.rules.effective(candidate.region, candidate))!) };
    },
  );
};

/** A draft naming a region its author does not answer for is refused before it is checked; one naming none is the checker's to refuse. */
function requireJurisdictionOver(staff: StaffMember, draft: unknown): void {
  const region = typeof draft === 'object' && draft !== null ? (draft as { region?: unknown }).region : undefined;
  if (typeof region === 'string') requireRulesJurisdiction(staff, region);
}

/** The effective rules as answered: each with how it clears in words, so the answer carries them in Traditional Chinese too. */
function shown(effective: EffectiveRuleSet): EffectiveRuleSet & { rules: (Rule & { clears: LocalizedText })[] } {
  return { ...effective, rules: effective.rules.map(withClears) };
}
