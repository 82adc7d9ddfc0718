import { sql, type Kysely, type Transaction } from 'kysely';
import type { Engine } from '../database.js';
import { DAY_MS } from '../../domain/clock.js';
import type { CorrectionFact } from '../../domain/corrections.js';
import type { Contact } from '../../domain/declaration.js';
import { FACT_HORIZON_DAYS, inStableOrder, type ResidentFacts, type RiskAreaFact, type RiskLevel, type Source } from '../../domain/facts.js';
import type { Database } from '../schema.js';
import { CompiledLists } from '../compiled-query.js';
import { changeStatement, factsChanged, factsVersions, readStatement } from '../facts-version.js';

/** Residents per query: a re-decision's chunk of a thousand in one statement per table, well under both engines' limits on bound values. */
const CHUNK = 1000;

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

type Ids = readonly string[];

/**
 * What a decision reads, per table, over a list of residents: every declaration decides its
 * resident, and building these a dozen queries anew cost it more than running them (CompiledLists).
 */
const factQueries = () => ({
  versions: { read: readStatement(), changed: changeStatement() },
  riskAreas: new CompiledLists(1, (_, [since], db: Kysely<Database>) =>
    db
      .selectFrom('risk_areas')
      .selectAll()
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', since as number)]))
      .compile(),
  ),
  residents: new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db.selectFrom('residents').select(['id', 'address_region', 'created_at', 'phone_verified_at', 'identity_checked_at', 'identity_revoked_at']).where('id', 'in', ids as Ids).compile(),
  ),
  guardians: new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db
      .selectFrom('guardianships')
      .innerJoin('residents as guardian', 'guardian.id', 'guardianships.guardian_id')
      .select(['guardianships.dependent_id', 'guardianships.created_at', 'guardian.phone_verified_at'])
      .where('guardianships.dependent_id', 'in', ids as Ids)
      .where('guardian.phone_verified_at', 'is not', null)
      .where('guardian.identity_revoked_at', 'is', null)
      .compile(),
  ),
  claimants: new CompiledLists(0, (ids, _, db: Kysely<Database>) =>
    db
      .selectFrom('identity_reclaims')
      .innerJoin('residents as holder', 'holder.id_index', 'identity_reclaims.id_index')
      .select(['identity_reclaims.dependent_id', 'holder.id as holder_id'])
      .where('identity_reclaims.dependent_id', 'in', ids as Ids)
      .where('identity_reclaims.status', 'in', ['pending', 'proposed'])
      .compile(),
  ),
  declarations: new CompiledLists(1, (ids, [horizon], db: Kysely<Database>) =>
    db
      .selectFrom('declarations')
      .selectAll()
      .where('resident_id', 'in', ids as Ids)
      .where('declared_at', '>=', horizon as number)
      .compile(),
  ),
  stays: new CompiledLists(1, (ids, [horizon], db: Kysely<Database>) =>
    db
      .selectFrom('declaration_stays')
      .innerJoin('declarations', 'declarations.id', 'declaration_stays.declaration_id')
      .select(['declaration_stays.resident_id', 'region_code', 'country_code', 'arrival', 'departure', 'declarations.declared_at'])
      .where('declaration_stays.resident_id', 'in', ids as Ids)
      .where((eb) => eb.or([eb('departure', 'is', null), eb('departure', '>=', horizon as number)]))
      .compile(),
  ),
  travel: new CompiledLists(1, (ids, [horizon], db: Kysely<Database>) =>
    db
      .selectFrom('travel_records')
      .selectAll()
      .where('resident_id', 'in', ids as Ids)
      .where('departure', '>=', horizon as number)
      .compile(),
  ),
  authority: new CompiledLists(0, (ids, _, db: Kysely<Database>) => db.selectFrom('authority_facts').selectAll().where('resident_id', 'in', ids as Ids).compile()),
  checkIns: new CompiledLists(1, (ids, [horizon], db: Kysely<Database>) =>
    db
      .selectFrom('check_ins')
      .selectAll()
      .where('resident_id', 'in', ids as Ids)
      .where('at', '>=', horizon as number)
      .compile(),
  ),
});

/**
 * Assembles residents' facts from every table that holds them, many residents per query: declarations
 * and their stays, travel records, authority facts, check-ins.
 */
export class FactsStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Approved corrections, whose notes are encrypted: read by the store that holds the key. */
    private readonly corrections: (ids: string[], since: number) => Promise<Map<string, CorrectionFact[]>>,
    /** Compiled once for the store and every store made from it for a transaction. */
    private readonly queries = factQueries(),
  ) {}

  withTransaction(trx: Transaction<Database>): FactsStore {
    return new FactsStore(trx, this.corrections, this.queries);
  }

  /** The residents' facts versions: read before their facts, what saving a decision from them is conditional on (DecisionsStore.save). */
  async versions(ids: string[]): Promise<Map<string, number>> {
    return factsVersions(this.db, ids, this.queries.versions);
  }

  /** The residents' facts changed other than by a write of theirs (a risk area they stayed in): re-decisions in flight must not save (factsChanged). */
  async changed(ids: string[]): Promise<void> {
    await factsChanged(this.db, ids, this.queries.versions);
  }

  async riskAreas(now: number): Promise<RiskAreaFact[]> {
    const since = now - 2 * FACT_HORIZON_DAYS * DAY_MS;
    const rows = await this.queries.riskAreas.run(this.db, [], [since]);
    return rows.map((r) => ({ region: r.region_code, country: r.country_code, level: r.level as RiskLevel, from: r.valid_from, to: r.valid_to }));
  }

  /**
   * For household members: since when a guardian who has proven their own phone stands behind them
   * (the later of adding them and the guardian's sign-in), the earliest over their guardians.
   */
  private async vouchedByGuardians(ids: string[]): Promise<Map<string, number>> {
    const rows = await this.queries.guardians.run(this.db, ids);
    const out = new Map<string, number>();
    for (const r of rows) {
      const since = Math.max(r.created_at, r.phone_verified_at!);
      out.set(r.dependent_id, Math.min(out.get(r.dependent_id) ?? since, since));
    }
    return out;
  }

  /**
   * Household members added while their claim to a document another account holds is open, by the
   * account holding it: the authority's records about the document decide their colour too, so a
   * claim never turns a person at risk green.
   */
  private async claimantsByHolder(ids: string[]): Promise<Map<string, string[]>> {
    const rows = await this.queries.claimants.run(this.db, ids);
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.holder_id, [...(out.get(r.holder_id) ?? []), r.dependent_id!]);
    return out;
  }

  /** `contactDateToInstant` turns a declared contact's calendar date into an instant (local midnight). */
  async load(ids: string[], now: number, contactDateToInstant: (date: string) => number): Promise<Map<string, ResidentFacts>> {
    const out = new Map<string, ResidentFacts>();
    const horizon = now - FACT_HORIZON_DAYS * DAY_MS;
    for (const part of chunks([...new Set(ids)])) {
      const residents = await this.queries.residents.run(this.db, part);
      const vouched = await this.vouchedByGuardians(part);
      const claimants = await this.claimantsByHolder(part);
      /** Who a row about `residentId` counts for: them, and household members claiming their document. */
      const inPart = new Set(part);
      const about = (residentId: string) => [...(inPart.has(residentId) && out.has(residentId) ? [residentId] : []), ...(claimants.get(residentId) ?? [])].filter((id) => out.has(id));
      const withHolders = [...new Set([...part, ...claimants.keys()])];
      for (const r of residents) {
        const vouches = [r.identity_checked_at, vouched.get(r.id) ?? null].filter((t): t is number => t !== null);
        out.set(r.id, {
          residentId: r.id,
          region: r.address_region,
          registeredAt: r.created_at,
          phoneVerifiedAt: r.phone_verified_at,
          identityVouchedAt: vouches.length > 0 ? Math.min(...vouches) : null,
          identityRevokedAt: r.identity_revoked_at,
          declarations: [],
          stays: [],
          contacts: [],
          cases: [],
          tests: [],
          vaccinations: [],
          checkIns: [],
        });
      }
      const declarations = await this.queries.declarations.run(this.db, part, [horizon]);
      for (const d of declarations) {
        const facts = out.get(d.resident_id);
        if (!facts) continue;
        facts.declarations.push({ at: d.declared_at, symptoms: JSON.parse(d.symptoms) as string[], temperature: d.temperature });
        for (const c of JSON.parse(d.contacts) as Contact[]) facts.contacts.push({ kind: c.kind, at: contactDateToInstant(c.date), source: 'declaration', recordedAt: d.declared_at });
      }
      const stays = await this.queries.stays.run(this.db, part, [horizon]);
      for (const s of stays) {
        out.get(s.resident_id)?.stays.push({ region: s.region_code, country: s.country_code, arrival: s.arrival, departure: s.departure, source: 'declaration', recordedAt: s.declared_at });
      }
      const travel = await this.queries.travel.run(this.db, withHolders, [horizon]);
      for (const t of travel) {
        for (const id of about(t.resident_id)) out.get(id)!.stays.push({ region: t.region_code, country: t.country_code, arrival: t.arrival, departure: t.departure, source: t.source as Source, recordedAt: t.recorded_at });
      }
      const authority = await this.queries.authority.run(this.db, withHolders);
      for (const f of authority.flatMap((row) => about(row.resident_id).map((id) => ({ ...row, resident_id: id })))) {
        const facts = out.get(f.resident_id);
        if (!facts) continue;
        const base = { at: f.occurred_at, source: f.source as Source, recordedAt: f.recorded_at };
        if (f.kind === 'case') facts.cases.push({ ...base, status: f.value as ResidentFacts['cases'][number]['status'] });
        else if (f.kind === 'contact') facts.contacts.push({ ...base, kind: f.value as ResidentFacts['contacts'][number]['kind'] });
        else if (f.kind === 'test') facts.tests.push({ ...base, result: f.value as 'positive' | 'negative' });
        else if (f.kind === 'vaccination') {
          const detail = JSON.parse(f.detail) as { dose: number; courseDoses: number };
          facts.vaccinations.push({ ...base, dose: detail.dose, courseDoses: detail.courseDoses });
        }
      }
      const checkIns = await this.queries.checkIns.run(this.db, part, [horizon]);
      for (const c of checkIns) {
        out.get(c.resident_id)?.checkIns.push({ date: c.local_date, at: c.at, symptoms: JSON.parse(c.symptoms) as string[], temperature: c.temperature });
      }
      for (const [id, corrections] of await this.corrections(part, horizon)) {
        const facts = out.get(id);
        if (facts) facts.corrections = corrections;
      }
    }
    for (const facts of out.values()) inStableOrder(facts);
    return out;
  }

  /** Residents with a stay (declared or recorded) in the region or below it, or in the country, since `since`. */
  /**
   * Until this transaction ends, no stay is stored, and those being stored are waited for: a risk
   * area's transaction then finds every resident who stayed there, and a stay stored after it is
   * decided from areas read after it. SQLite has one writer, which holds them already.
   */
  async holdStays(engine: Engine): Promise<void> {
    if (engine === 'postgres') await sql`lock table declaration_stays, travel_records in share mode`.execute(this.db);
  }

  async residentsWithStaysIn(place: { region: string | null; country: string | null }, since: number): Promise<string[]> {
    const ids = new Set<string>();
    for (const table of ['declaration_stays', 'travel_records'] as const) {
      let query = this.db.selectFrom(table).select('resident_id').distinct();
      if (place.region !== null) {
        // 420100 covers 4201xx, 420000 covers 42xxxx: a range the index serves on both engines.
        const prefix = place.region.endsWith('0000') ? place.region.slice(0, 2) : place.region.endsWith('00') ? place.region.slice(0, 4) : place.region;
        const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
        query = query.where('region_code', '>=', prefix).where('region_code', '<', upper);
      } else {
        query = query.where('country_code', '=', place.country);
      }
      query = query.where((eb) => eb.or([eb('departure', 'is', null), eb('departure', '>=', since)]));
      for (const row of await query.execute()) ids.add(row.resident_id);
    }
    return [...ids];
  }
}
