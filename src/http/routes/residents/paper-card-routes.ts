import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { CARD_SCRIPTS, type CardScript } from '../../../domain/residents/paper-card.js';
import type { CardStatus, PrintedCard } from '../../../services/residents/paper-cards-service.js';
import type { Services } from '../../../services/services.js';
import { residentCaller, staffCaller } from '../../route-access.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const CardStatusSchema = Type.Union([
  Type.Object(
    {
      issuedAt: Type.String({ format: 'date-time' }),
      expiresAt: Type.String({ format: 'date-time' }),
      expired: Type.Boolean(),
      revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the card was revoked; null while it is live' }),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

/** A card's standing on the wire. */
const cardStatus = (status: CardStatus) => ({ issuedAt: wireTime(status.issuedAt), expiresAt: wireTime(status.expiresAt), expired: status.expired, revokedAt: status.revokedAt === null ? null : wireTime(status.revokedAt) });

/** The document staff at a service point see in the person's hand. */
const DocumentBody = Type.Object(
  {
    idType: Type.String({ maxLength: 40 }),
    idNumber: Type.String({ minLength: 1, maxLength: 32 }),
    idCountry: Type.Optional(Type.String({ maxLength: 3 })),
  },
  { additionalProperties: false },
);

/** The script of a printed card's Chinese lines; a wrong one is a 400 naming the field. */
const Script = Type.Unsafe<CardScript>({ type: 'string', enum: [...CARD_SCRIPTS], description: "The script of the card's Chinese lines: zh-CN (Simplified, the default) or zh-Hant (Traditional); English lines are on every card" });

/** A print at a service point: the document seen, and the script the holder reads. */
const PrintBody = Type.Object({ ...DocumentBody.properties, script: Type.Optional(Script) }, { additionalProperties: false });

/** A print in the resident app: the script the holder reads. */
const PrintQuery = Type.Object({ script: Type.Optional(Script) }, { additionalProperties: false });

/** The document the holder shows, without the script only a print takes. */
const identityOf = ({ script: _script, ...document }: { script?: CardScript; idType: string; idNumber: string; idCountry?: string }) => document;

const PDF = 'The card as a one-page PDF (application/pdf): masked name, QR, issue and expiry dates, instructions in Chinese and English; no colour';

const LOOKUP = "A document nobody holds and one held outside the staff member's region are both 404; each credential makes only so many look-ups an hour (429 with Retry-After past it)";

/** Sends a printed card: the PDF, with what it says in headers a screen can show without opening it. */
function sendCard(reply: FastifyReply, card: PrintedCard, code = 201): Buffer {
  reply
    .code(code)
    .type('application/pdf')
    .header('content-disposition', 'attachment; filename="paper-card.pdf"')
    .header('cache-control', 'no-store')
    .header('x-card-expires-at', wireTime(card.expiresAt))
    // Whose card it is, for the clerk to check against the person before handing it over; percent-encoded, as a header holds no Chinese.
    .header('x-card-holder', encodeURIComponent(card.maskedName))
    .header('x-card-replaced-earlier', String(card.replacedEarlier));
  return card.pdf;
}

/**
 * Paper cards for people without a phone: printed and revoked by the resident or their guardian in
 * the resident app, or by staff at a service point who see the person's identity document.
 */
export const paperCardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/residents/:id/paper-card',
    {
      config: { access: { resident: 'self' } },
      schema: { tags: ['residents'], summary: "The resident's latest paper card, if any: when it was issued, lapses or was revoked (never its QR)", params: ResidentIdParams, response: { 200: CardStatusSchema, ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const status = await services.paperCards.status(request.params.id);
      return status && cardStatus(status);
    },
  );

  app.get(
    '/api/v1/residents/:id/paper-card/pdf',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['residents'],
        summary: 'The live paper card printed again as it was, for yourself or a household member you look after: it keeps working',
        description: PDF,
        params: ResidentIdParams,
        querystring: PrintQuery,
        produces: ['application/pdf'],
        response: problemResponses(400, 401, 404),
      },
    },
    async (request, reply) => sendCard(reply, await services.paperCards.copyForHousehold(residentCaller(request).residentId, request.params.id, request.query.script), 200),
  );

  app.post(
    '/api/v1/residents/:id/paper-card',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['residents'],
        summary: 'Print a paper card for yourself or a household member you look after; the card printed before stops working',
        description: `${PDF}. 409 for a household member whose identity document another account holds, until an authority settles whose it is`,
        params: ResidentIdParams,
        querystring: PrintQuery,
        produces: ['application/pdf'],
        response: problemResponses(400, 401, 404, 409, 422),
      },
    },
    async (request, reply) => sendCard(reply, await services.paperCards.printForHousehold(residentCaller(request).residentId, request.params.id, request.query.script)),
  );

  app.delete(
    '/api/v1/residents/:id/paper-card',
    {
      config: { access: { resident: 'self' } },
      schema: { tags: ['residents'], summary: 'Revoke the live paper card: a gate refuses it from now on', params: ResidentIdParams, response: { 200: Type.Object({ revoked: Type.Boolean() }), ...problemResponses(400, 401, 404) } },
    },
    async (request) => ({ revoked: await services.paperCards.revokeForHousehold(residentCaller(request).residentId, request.params.id) }),
  );

  app.post(
    '/api/v1/paper-cards',
    {
      config: { access: { staff: ['authority', 'checkpoint'] } },
      schema: {
        tags: ['residents'],
        summary: "Print a paper card at a service point for the holder of the identity document shown (a resident of the staff member's region); the card printed before stops working",
        description: `${PDF}. ${LOOKUP}`,
        body: PrintBody,
        produces: ['application/pdf'],
        response: problemResponses(400, 401, 403, 404, 409, 422, 429),
      },
    },
    async (request, reply) => sendCard(reply, await services.paperCards.printAtServicePoint(staffCaller(request), identityOf(request.body), request.body.script)),
  );

  app.post(
    '/api/v1/paper-cards/find',
    {
      config: { access: { staff: ['authority', 'checkpoint'] } },
      schema: {
        tags: ['residents'],
        summary: "Find the paper card of the holder of the identity document shown (a resident of the staff member's region), to print it again or replace it: the masked name and the latest card, live or revoked, or null",
        description: LOOKUP,
        body: DocumentBody,
        response: { 200: Type.Object({ maskedName: Type.String(), card: CardStatusSchema }, { additionalProperties: false }), ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const found = await services.paperCards.findAtServicePoint(staffCaller(request), request.body);
      return { maskedName: found.maskedName, card: found.card && cardStatus(found.card) };
    },
  );

  app.post(
    '/api/v1/paper-cards/copy',
    {
      config: { access: { staff: ['authority', 'checkpoint'] } },
      schema: {
        tags: ['residents'],
        summary: 'Print the live paper card of the holder of the identity document shown again, at a service point, as it was (a damaged printout): the card in their hand keeps working. 404 when none is live',
        description: `${PDF}. ${LOOKUP}. A lost card is replaced instead (POST /api/v1/paper-cards), which revokes it`,
        body: PrintBody,
        produces: ['application/pdf'],
        response: problemResponses(400, 401, 403, 404, 422, 429),
      },
    },
    async (request, reply) => sendCard(reply, await services.paperCards.copyAtServicePoint(staffCaller(request), identityOf(request.body), request.body.script), 200),
  );

  app.post(
    '/api/v1/paper-cards/revoke',
    {
      config: { access: { staff: ['authority', 'checkpoint'] } },
      schema: {
        tags: ['residents'],
        summary: 'Revoke the live paper card of the holder of the identity document shown, at a service point',
        description: LOOKUP,
        body: DocumentBody,
        response: { 200: Type.Object({ revoked: Type.Boolean() }), ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => ({ revoked: await services.paperCards.revokeAtServicePoint(staffCaller(request), request.body) }),
  );
};
