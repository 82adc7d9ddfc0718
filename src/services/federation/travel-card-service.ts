import { encodeBase45 } from '../../codes/base45.js';
import { DOCUMENT_TYPES } from '../../codes/signed-document.js';
import { signDocument } from '../../codes/token-signer.js';
import { TRAVEL_CARD_PREFIX, type TravelCardClaims } from '../../codes/travel-card.js';
import { regionName, regionNameEn } from '../../domain/regions.js';
import { TRAVEL_CARD_DAYS, travelCardStays, type TravelCardStay } from '../../domain/federation/travel-card.js';
import type { ServiceContext } from '../context.js';
import type { DecisionsService } from '../decisions/decisions-service.js';
import type { KeysService } from '../keys-service.js';

export interface TravelCard {
  maskedName: string;
  days: number;
  stays: TravelCardStay[];
  /** Signed like the code: a gate verifies it offline against the same trust list. */
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** The resident's travel card from the imported telecom, rail and air records, signed with their region's key. */
export class TravelCardService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly decisions: DecisionsService,
    private readonly keys: KeysService,
  ) {}

  async card(residentId: string): Promise<TravelCard> {
    const now = this.ctx.clock.now().getTime();
    const { maskedName, region } = await this.decisions.current(residentId);
    const records = await this.ctx.stores.authorityRecords.travelOf(residentId);
    const stays = travelCardStays(
      records.map((r) => ({ region: r.region_code, country: r.country_code, arrival: r.arrival, departure: r.departure, source: r.source })),
      await this.ctx.stores.facts.riskAreas(now),
      now,
    );
    const key = await this.keys.activeKey(region);
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + this.ctx.settings.tokenTtlSeconds;
    const claims: TravelCardClaims = {
      v: 1,
      iss: key.issuer,
      sub: this.ctx.subjects.seal(residentId),
      n: maskedName,
      iat: issuedAt,
      exp: expiresAt,
      stays: stays.map((s) => ({ c: s.city, ...(s.city ? { cn: regionName(s.city), en: regionNameEn(s.city) } : {}), k: s.country, a: Math.floor(s.arrival / 1000), d: Math.floor(s.departure / 1000), h: s.hours, s: s.source, r: s.risk })),
    };
    const token = TRAVEL_CARD_PREFIX + encodeBase45(signDocument(key, DOCUMENT_TYPES.travelCard, claims));
    return { maskedName, days: TRAVEL_CARD_DAYS, stays, token, issuedAt: issuedAt * 1000, expiresAt: expiresAt * 1000 };
  }
}
