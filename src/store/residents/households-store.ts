import type { Kysely, Transaction } from 'kysely';
import type { Relationship } from '../../domain/resident.js';
import type { FieldCipher } from '../../privacy/field-cipher.js';
import { openResident, type Resident } from './residents-store.js';
import type { Database } from '../schema.js';
import { SHREDDED } from '../oversight/sunset-store.js';
import { factsChanged } from '../facts-version.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Dependent {
  resident: Resident;
  relationship: Relationship;
  since: number;
}

/**
 * Households: who added whom (guardianships). A resident and the members they added form a household;
 * a member may have more than one guardian.
 */
export class HouseholdsStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
  ) {}

  withTransaction(trx: Transaction<Database>): HouseholdsStore {
    return new HouseholdsStore(trx, this.cipher);
  }

  /** Adds a guardianship, telling re-decisions of the dependent in flight (factsChanged): a guardian who proved their phone vouches for them. Call inside a transaction. */
  async addGuardianship(guardianId: string, dependentId: string, relationship: Relationship, now: number): Promise<void> {
    await this.db.insertInto('guardianships').values({ guardian_id: guardianId, dependent_id: dependentId, relationship, created_at: now }).execute();
    await factsChanged(this.db, [dependentId]);
  }

  async isGuardianOf(guardianId: string, dependentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('guardianships')
      .select('dependent_id')
      .where('guardian_id', '=', guardianId)
      .where('dependent_id', '=', dependentId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The members a resident added, opened; none whose region's sunset destroyed them. */
  async dependentsOf(guardianId: string): Promise<Dependent[]> {
    const rows = await this.db
      .selectFrom('guardianships')
      .innerJoin('residents', 'residents.id', 'guardianships.dependent_id')
      .selectAll('residents')
      .select(['guardianships.relationship', 'guardianships.created_at as since'])
      .where('guardianships.guardian_id', '=', guardianId)
      .where('residents.name_enc', '!=', SHREDDED)
      .orderBy('guardianships.created_at')
      .orderBy('residents.id')
      .execute();
    return rows.map((row) => ({ resident: openResident(this.cipher, row), relationship: row.relationship as Relationship, since: row.since }));
  }

  /** A resident and the household members they added: those whose identity their own stands behind. */
  async householdIds(guardianId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('guardianships').select('dependent_id').where('guardian_id', '=', guardianId).execute();
    return [guardianId, ...rows.map((r) => r.dependent_id)];
  }

  async guardiansOf(dependentId: string): Promise<{ guardianId: string; relationship: Relationship; since: number }[]> {
    const rows = await this.db
      .selectFrom('guardianships')
      .select(['guardian_id', 'relationship', 'created_at'])
      .where('dependent_id', '=', dependentId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ guardianId: r.guardian_id, relationship: r.relationship as Relationship, since: r.created_at }));
  }

  /** Dependents of `guardianId` that no other guardian looks after. */
  async soleDependentsOf(guardianId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('guardianships as g')
      .select('g.dependent_id')
      .where('g.guardian_id', '=', guardianId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('guardianships as other')
              .select('other.guardian_id')
              .whereRef('other.dependent_id', '=', 'g.dependent_id')
              .where('other.guardian_id', '!=', guardianId),
          ),
        ),
      )
      .execute();
    return rows.map((r) => r.dependent_id);
  }
}
