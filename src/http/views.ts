import { regionName, regionNameEn } from '../domain/regions.js';
import type { Decision } from '../domain/rules/decide.js';
import { withheldCause, withholdAuthorityDetail } from '../domain/decisions/withheld-records.js';
import { ConflictError } from '../services/service-errors.js';
import type { Services } from '../services/services.js';
import type { CodeViewAhead, ViewedHealthCode } from '../services/decisions/health-codes-service.js';
import type { FactsFrom } from '../services/federation/moving-service.js';
import { declarationWritten, type DeclarationView } from '../services/residents/declarations-service.js';
import type { ResidentSummary } from '../services/residents/residents-service.js';
import type { Session } from '../services/residents/sign-in-service.js';
import { wireTime } from './wire.js';

/** A session as the API hands it over. */
export const sessionWire = (s: Session) => ({ ...s, expiresAt: wireTime(s.expiresAt) });

/** A resident (or dependent) summary as the API shows it. */
export const residentWire = <R extends ResidentSummary>(r: R) => ({ ...r, registeredAt: wireTime(r.registeredAt) });

/** A declaration as the API shows it. */
export const declarationWire = (d: DeclarationView) => declarationWritten(d, wireTime);


/** A resident's code as the API shows it, to the resident's app and to a host app alike. */
export async function healthCodeView(services: Services, residentId: string, ahead?: CodeViewAhead) {
  const { viewed, factsFrom } = await healthCodeViewParts(services, residentId, ahead);
  return healthCodeViewOf(viewed, factsFrom);
}

/** What a code view shows: the code (with whether its records are withheld) and where a visitor's facts came from. */
async function healthCodeViewParts(services: Services, residentId: string, ahead?: CodeViewAhead) {
  const viewed = await services.healthCodes.view(residentId, ahead);
  const factsFrom = await services.moving.factsFrom(residentId, ahead === undefined ? undefined : (ahead.read.link ?? null), ahead?.originWatermark);
  return { viewed, factsFrom };
}

/**
 * The view's fields named one by one: spreading the decision and then overriding two of its fields
 * cost ten microseconds a view (V8 builds such an object slowly); a Decision has exactly these
 * fields (test/http/views.test.ts compares the two ways).
 */
export function healthCodeViewOf({ issued, withheld }: ViewedHealthCode, factsFrom: FactsFrom | null) {
  // The colour stays; the authority's records behind it wait for the identity to be checked.
  const decision: Decision = withheld ? withholdAuthorityDetail(issued.decision) : issued.decision;
  return {
    colour: decision.colour,
    mark: decision.mark,
    evaluatedAt: wireTime(decision.evaluatedAt),
    ruleSet: decision.ruleSet,
    rules: decision.rules,
    greenOn: wireTime(decision.greenOn),
    greenOnNote: decision.greenOnNote,
    factsFrom: factsFrom && { operator: factsFrom.operator, operatorName: factsFrom.operatorName, asOf: wireTime(factsFrom.bundleIssuedAt), facts: factsFrom.facts },
    token: issued.token,
    maskedName: issued.maskedName,
    issuedAt: wireTime(issued.issuedAt),
    expiresAt: wireTime(issued.expiresAt),
  };
}

/**
 * The code view's body, serialized by `serialize` (one route's response serializer), kept by the
 * code it shows: HealthCodesService hands out the same code object while it may be shown again, and
 * MovingService the same facts' origin while it holds, so while both are the same the body is too.
 * A refresh then sends the bytes it sent before, without building, serializing or encoding them again.
 */
export function healthCodeViewBodies() {
  const sent = new WeakMap<ViewedHealthCode, { factsFrom: FactsFrom | null; body: Buffer }>();
  return async (services: Services, residentId: string, ahead: CodeViewAhead | undefined, serialize: (view: ReturnType<typeof healthCodeViewOf>) => string): Promise<Buffer> => {
    const { viewed, factsFrom } = await healthCodeViewParts(services, residentId, ahead);
    const kept = sent.get(viewed);
    if (kept !== undefined && kept.factsFrom === factsFrom) return kept.body;
    const body = utf8Bytes(serialize(healthCodeViewOf(viewed, factsFrom)));
    sent.set(viewed, { factsFrom, body });
    return body;
  };
}

/**
 * The text as UTF-8 in a buffer of its own. A body with Chinese in it is a two-byte string in V8
 * (twice its characters) and encoded again on every send; its UTF-8 is smaller and sent as it is.
 * Not `Buffer.from`: it cuts small buffers from a shared 8 KB slab, and one kept body would keep
 * the whole slab alive.
 */
export function utf8Bytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

/** A decision as the resident or their relative may read it (see healthCodeView). */
export async function shownDecision(services: Services, residentId: string, decision: Decision): Promise<Decision> {
  return (await services.residents.recordsWithheld(residentId)) ? withholdAuthorityDetail(decision) : decision;
}

/** A resident's colour changes as they or their relative may read them (see healthCodeView). */
export async function decisionHistoryView(services: Services, residentId: string, limit: number) {
  const history = await services.decisions.history(residentId, limit);
  const withheld = await services.residents.recordsWithheld(residentId);
  return history.map((d) => {
    const shown = withheld ? { ...d, ...withholdAuthorityDetail({ colour: d.colour as Decision['colour'], mark: null, evaluatedAt: 0, ruleSet: d.ruleSet, rules: d.rules, greenOn: d.greenOn, greenOnNote: null }), cause: withheldCause(d.cause) } : d;
    return { ...d, decidedAt: wireTime(d.decidedAt), rules: shown.rules, greenOn: wireTime(shown.greenOn), cause: shown.cause };
  });
}

/** A resident's appeals as they or their relative may read them: the rules appealed against, withheld likewise. */
export async function appealsView<A extends { colour: string; rules: Decision['rules'] }>(services: Services, residentId: string, appeals: A[]): Promise<A[]> {
  if (!(await services.residents.recordsWithheld(residentId))) return appeals;
  return appeals.map((a) => ({ ...a, rules: withholdAuthorityDetail({ colour: a.colour as Decision['colour'], mark: null, evaluatedAt: 0, ruleSet: { region: '', version: 0 }, rules: a.rules, greenOn: null, greenOnNote: null }).rules }));
}

/** A resident's travel card as the API shows it, with place names in both languages. */
export async function travelCardView(services: Services, residentId: string) {
  // Every stay on it comes from rail, air or telecom records about the number.
  if (await services.residents.recordsWithheld(residentId)) throw new ConflictError('the travel card shows the authority records about this ID number: it is issued once the identity is checked at a gate or service point');
  const card = await services.travelCards.card(residentId);
  return {
    ...card,
    stays: card.stays.map((s) => ({
      ...s,
      cityName: s.city === null ? null : (regionName(s.city) ?? null),
      cityNameEn: s.city === null ? null : (regionNameEn(s.city) ?? null),
      arrival: wireTime(s.arrival),
      departure: wireTime(s.departure),
    })),
    issuedAt: wireTime(card.issuedAt),
    expiresAt: wireTime(card.expiresAt),
  };
}
