import type { Kysely, Transaction } from 'kysely';
import type { Contact, Declaration, Stay, Symptom } from '../../domain/declaration.js';
import type { Database } from '../schema.js';

export interface StoredDeclaration extends Declaration {
  id: string;
  residentId: string;
  declaredAt: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Declarations and their stays, one row per place, so residents who were somewhere can be found by region. */
export class DeclarationsStore {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Transaction<Database>): DeclarationsStore {
    return new DeclarationsStore(trx);
  }

  /** Writes the declaration and its stays; call inside a transaction so a failure leaves neither. */
  async insert(declaration: StoredDeclaration, newId: () => string): Promise<void> {
    await this.db
      .insertInto('declarations')
      .values({
        id: declaration.id,
        resident_id: declaration.residentId,
        declared_at: declaration.declaredAt,
        symptoms: JSON.stringify(declaration.symptoms),
        contacts: JSON.stringify(declaration.contacts),
        temperature: declaration.temperature,
      })
      .execute();
    if (declaration.stays.length === 0) return;
    await this.db
      .insertInto('declaration_stays')
      .values(
        declaration.stays.map((stay, position) => ({
          id: newId(),
          declaration_id: declaration.id,
          resident_id: declaration.residentId,
          position,
          region_code: 'region' in stay ? stay.region : null,
          country_code: 'country' in stay ? stay.country : null,
          arrival: stay.arrival,
          departure: stay.departure,
        })),
      )
      .execute();
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
