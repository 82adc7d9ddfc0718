import { Type } from '@fastify/type-provider-typebox';
import { Localized } from '../../response-schemas.js';

/** Response shapes of finding residents and cases, confirming traces: what the console reads. */

export const FoundResidentSchema = Type.Object({
  residentId: Type.String({ description: 'What the console acts on; never shown' }),
  maskedName: Type.String(),
  maskedIdNumber: Type.String(),
  maskedPhone: Type.Union([Type.String(), Type.Null()]),
  region: Type.String(),
  regionName: Localized,
  colour: Type.Union([Type.String(), Type.Null()]),
  isCase: Type.Boolean({ description: 'A confirmed or suspected case recorded in the last 28 days' }),
  dependent: Type.Boolean({ description: 'A household member without a phone; a relative holds the phone' }),
});

export const SearchResultSchema = Type.Object({ by: Type.Union([Type.Literal('idNumber'), Type.Literal('phone'), Type.Literal('name')]), results: Type.Array(FoundResidentSchema) });

export const CaseTimelineSchema = Type.Object({
  resident: FoundResidentSchema,
  from: Type.String(),
  to: Type.String(),
  visits: Type.Array(Type.Object({ venueId: Type.String(), venue: Type.String(), at: Type.String() })),
  traces: Type.Array(Type.Object({ id: Type.String(), from: Type.String(), to: Type.String(), status: Type.String(), openedAt: Type.String(), purpose: Type.String() })),
});

export const StaffGrantSchema = Type.Object({
  id: Type.String(),
  scope: Type.Union([Type.Literal('trace'), Type.Literal('read-personal')]),
  purpose: Type.String(),
  expiresAt: Type.String(),
  forOneResident: Type.Boolean({ description: 'The grant names one resident (who is not shown here: listing grants reads no one)' }),
});

export const GranteeSchema = Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), region: Type.Union([Type.String(), Type.Null()]) });

const TransitionsSchema = Type.Array(Type.Object({ from: Type.String({ description: "Colour now ('none': not yet decided)" }), to: Type.String(), residents: Type.Integer() }));

export const TracePreviewSchema = Type.Object({ contacts: Type.Integer(), wouldChange: Type.Integer(), transitions: TransitionsSchema });

export const TraceOutcomeSchema = Type.Object({ contacts: Type.Integer(), colourChanges: Type.Integer(), notified: Type.Integer(), transitions: TransitionsSchema });
