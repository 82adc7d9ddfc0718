import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AuthorityFactsTable, Database, RiskAreasTable, TravelRecordsTable } from '../schema.js';
import { factsChanged } from '../facts-version.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What the authority knows: risk areas, and per-person records (cases, contacts, tests,
 * vaccinations from `authority_facts`; rail, air and telecom stays from `travel_records`), each
 * stored under a digest of its content so the same record imported twice is stored once.
 */
export class AuthorityRecordsStore {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Transaction<Database>): AuthorityRecordsStore {
    return new AuthorityRecordsStore(trx);
  }

  async riskAreas(): Promise<Selectable<RiskAreasTable>[]> {
    return this.db.selectFrom('risk_areas').selectAll().orderBy('valid_from', 'desc').orderBy('id').execute();
  }

  async riskArea(id: string): Promise<Selectable<RiskAreasTable> | undefined> {
    return this.db.selectFrom('risk_areas').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertRiskArea(row: Selectable<RiskAreasTable>): Promise<void> {
    await this.db.insertInto('risk_areas').values(row).execute();
  }

  /**
   * The listing of the same place (a region, or a country) at the same level whose period meets
   * [from, to] (an open end meets everything after it): saving such an area again changes that listing.
   */
  async riskAreaMeeting(area: { region: string | null; country: string | null; level: string; from: number; to: number | null }): Promise<Selectable<RiskAreasTable> | undefined> {
    let query = this.db.selectFrom('risk_areas').selectAll().where('level', '=', area.level);
    query = area.region !== null ? query.where('region_code', '=', area.region) : query.where('country_code', '=', area.country);
    if (area.to !== null) query = query.where('valid_from', '<=', area.to);
    query = query.where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', area.from)]));
    return query.orderBy('valid_from').limit(1).executeTakeFirst();
  }

  async setRiskAreaPeriod(id: string, validFrom: number, validTo: number | null, now: number): Promise<void> {
    await this.db.updateTable('risk_areas').set({ valid_from: validFrom, valid_to: validTo, updated_at: now }).where('id', '=', id).execute();
  }

  async hasRecord(table: 'authority_facts' | 'travel_records', id: string): Promise<boolean> {
    return (await this.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /** Inserts a fact, telling re-decisions in flight (factsChanged); with `ifAbsent`, one already stored under the id is left as it is. Call inside a transaction. */
  async insertFact(row: Selectable<AuthorityFactsTable>, options: { ifAbsent?: boolean } = {}): Promise<void> {
    let query = this.db.insertInto('authority_facts').values(row);
    if (options.ifAbsent) query = query.onConflict((oc) => oc.column('id').doNothing());
    await query.execute();
    await factsChanged(this.db, [row.resident_id]);
  }

  /** Inserts a stay, telling re-decisions in flight (factsChanged). Call inside a transaction. */
  async insertTravel(row: Selectable<TravelRecordsTable>): Promise<void> {
    await this.db.insertInto('travel_records').values(row).execute();
    await factsChanged(this.db, [row.resident_id]);
  }

  async factsOf(residentId: string): Promise<Selectable<AuthorityFactsTable>[]> {
    return this.db.selectFrom('authority_facts').selectAll().where('resident_id', '=', residentId).orderBy('occurred_at').execute();
  }

  async travelOf(residentId: string): Promise<Selectable<TravelRecordsTable>[]> {
    return this.db.selectFrom('travel_records').selectAll().where('resident_id', '=', residentId).orderBy('arrival').execute();
  }

  /** A resident's trips on a named train or flight that overlap [from, to]. */
  async tripsOf(residentId: string, from: number, to: number): Promise<Selectable<TravelRecordsTable>[]> {
    return this.db
      .selectFrom('travel_records')
      .selectAll()
      .where('resident_id', '=', residentId)
      .where('carrier_ref', 'is not', null)
      .where('arrival', '<=', to)
      .where('departure', '>=', from)
      .execute();
  }

  /** Others on the same train or flight, arriving within [from, to]. */
  async fellowTravellers(carrierRef: string, from: number, to: number, except: string): Promise<{ resident_id: string; arrival: number }[]> {
    return this.db
      .selectFrom('travel_records')
      .select(['resident_id', 'arrival'])
      .where('carrier_ref', '=', carrierRef)
      .where('arrival', '>=', from)
      .where('arrival', '<=', to)
      .where('resident_id', '!=', except)
      .execute();
  }

  /**
   * Residents recorded as confirmed or suspected cases since `since`, living under one of
   * `regionPrefixes` (all regions when null), newest case first: whom a search by name looks through.
   */
  async recentCases(since: number, regionPrefixes: string[] | null, limit: number): Promise<string[]> {
    let query = this.db
      .selectFrom('authority_facts')
      .innerJoin('residents', 'residents.id', 'authority_facts.resident_id')
      .select(['authority_facts.resident_id as id'])
      .select((eb) => eb.fn.max('authority_facts.occurred_at').as('latest'))
      .where('authority_facts.kind', '=', 'case')
      .where('authority_facts.value', 'in', ['confirmed', 'suspected'])
      .where('authority_facts.occurred_at', '>=', since);
    if (regionPrefixes !== null) query = query.where((eb) => eb.or(regionPrefixes.map((p) => eb('residents.address_region', 'like', `${p}%`))));
    const rows = await query.groupBy('authority_facts.resident_id').orderBy('latest', 'desc').limit(limit).execute();
    return rows.map((r) => r.id);
  }
}
