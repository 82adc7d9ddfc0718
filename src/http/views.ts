import { regionName, regionNameEn } from '../domain/regions.js';
import type { Services } from '../services/services.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A resident's code as the API shows it, to the resident's app and to a host app alike. */
export async function codeView(services: Services, residentId: string) {
  const issued = await services.codes.issue(residentId);
  const factsFrom = await services.moving.factsFrom(residentId);
  const { decision } = issued;
  return {
    ...decision,
    factsFrom: factsFrom && { operator: factsFrom.operator, operatorName: factsFrom.operatorName, asOf: iso(factsFrom.bundleIssuedAt)! },
    evaluatedAt: iso(decision.evaluatedAt)!,
    greenOn: iso(decision.greenOn),
    token: issued.token,
    maskedName: issued.maskedName,
    issuedAt: iso(issued.issuedAt)!,
    expiresAt: iso(issued.expiresAt)!,
  };
}

/** A resident's travel card as the API shows it, with place names in both languages. */
export async function travelCardView(services: Services, residentId: string) {
  const card = await services.travelCards.card(residentId);
  return {
    ...card,
    stays: card.stays.map((s) => ({
      ...s,
      cityName: s.city === null ? null : (regionName(s.city) ?? null),
      cityNameEn: s.city === null ? null : (regionNameEn(s.city) ?? null),
      arrival: iso(s.arrival)!,
      departure: iso(s.departure)!,
    })),
    issuedAt: iso(card.issuedAt)!,
    expiresAt: iso(card.expiresAt)!,
  };
}
