import type { Kysely, Transaction } from 'kysely';
import type { Contact, Declaration, Stay, Symptom } from '../../domain/declaration.js';
import type { Database } from '../schema.js';
import { CompiledLists, CompiledShapes } from '../compiled-query.js';
import { changeStatement, factsChanged } from '../facts-version.js';

export interface StoredDeclaration extends Declaration {
  id: string;
  residentId: string;
  declaredAt: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Every registration over the API declares at once: the declaration's row compiled once (Kysely building it cost about as much as running it). */
const insertDeclaration = () =>
  new CompiledShapes<'', never>(
    () => 6,
    (_, v, db: Kysely<Database>) =>
      db
        .insertInto('declarations')
        .values({ id: v[0] as string, resident_id: v[1] as string, declared_at: v[2] as number, symptoms: v[3] as string, contacts: v[4] as string, temperature: v[5] as number | null })
        .compile(),
  );

/** A declaration's stays, a row each (a trip is one to a few): compiled once per number of stays. */
const insertStays = () =>
  new CompiledLists(
    0,
    (rows: readonly (readonly unknown[])[], _, db: Kysely<Database>) =>
      db
        .insertInto('declaration_stays')
        .values(
          rows.map((r) => ({
            id: r[0] as string,
            declaration_id: r[1] as string,
            resident_id: r[2] as string,
            position: r[3] as number,
            region_code: r[4] as string | null,
            country_code: r[5] as string | null,
            arrival: r[6] as number,
            departure: r[7] as number | null,
          })),
        )
        .compile(),
    8,
  );

/** Declarations and their stays, one row per place, so residents who were somewhere can be found by region. */
export class DeclarationsStore {
  constructor(
    private readonly db: Db,
    /** Compiled once for the store and every store made from it for a transaction. */
    private readonly compiled = { insert: insertDeclaration(), stays: insertStays(), versions: { changed: changeStatement() } },
  ) {}

  withTransaction(trx: Transaction<Database>): DeclarationsStore {
    return new DeclarationsStore(trx, this.compiled);
  }

  /** Writes the declaration and its stays, and tells re-decisions in flight (factsChanged); call inside a transaction so a failure leaves neither. */
  async insert(declaration: StoredDeclaration, newId: () => string): Promise<void> {
    await this.compiled.insert.run(this.db, '', [declaration.id, declaration.residentId, declaration.declaredAt, JSON.stringify(declaration.symptoms), JSON.stringify(declaration.contacts), declaration.temperature]);
    if (declaration.stays.length > 0) await this.insertStays(declaration, newId);
    await factsChanged(this.db, [declaration.residentId], this.compiled.versions);
  }

  private async insertStays(declaration: StoredDeclaration, newId: () => string): Promise<void> {
    await this.compiled.stays.run(
      this.db,
      declaration.stays.map((stay, position) => [
        newId(),
        declaration.id,
        declaration.residentId,
        position,
        'region' in stay ? stay.region : null,
        'country' in stay ? stay.country : null,
        stay.arrival,
        stay.departure,
      ]),
    );
  }

  /** A resident's declarations, newest first. */
  async listForResident(residentId: string, limit = 500): Promise<StoredDeclaration[]> {
    const rows = await this.db
      .selectFrom('declarations')
      .selectAll()
      .where('resident_id', '=', residentId)
      .orderBy('declared_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const stays = await this.db
      .selectFrom('declaration_stays')
      .selectAll()
      .where(
        'declaration_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('position')
      .execute();
    const byDeclaration = new Map<string, Stay[]>();
    for (const s of stays) {
      const place = s.region_code !== null ? { region: s.region_code } : { country: s.country_code ?? '' };
      const list = byDeclaration.get(s.declaration_id) ?? [];
      list.push({ ...place, arrival: s.arrival, departure: s.departure });
      byDeclaration.set(s.declaration_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      residentId: r.resident_id,
      declaredAt: r.declared_at,
      stays: byDeclaration.get(r.id) ?? [],
      contacts: JSON.parse(r.contacts) as Contact[],
      symptoms: JSON.parse(r.symptoms) as Symptom[],
      temperature: r.temperature,
    }));
  }
}
