import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SunsetsTable } from './schema.js';

/** What a resident's personal fields hold once their region's sunset destroyed them. */
export const SHREDDED = 'shredded';

/**
 * The code prefix a sunset's region covers, in SQL on either engine: `regionPrefix` of the domain for
 * the six-digit codes a sunset names (330000 → 33, 330100 → 3301, 330110 → 330110).
 */
export const SUNSET_PREFIX = sql<string>`(case when substr(sunsets.region, 3) = '0000' then substr(sunsets.region, 1, 2) when substr(sunsets.region, 5) = '00' then substr(sunsets.region, 1, 4) else sunsets.region end)`;

/** Tables of a region's residents destroyed at its sunset, by the column naming the resident. */
const RESIDENT_TABLES = [
  'scans',
  'decisions',
  'resident_status',
  'sessions',
  'devices',
  'check_ins',
  'declaration_stays',
  'declarations',
  'travel_records',
  'authority_facts',
  'appeals',
  'corrections',
  'redecision_queue',
  'grants',
  'identity_reclaims',
] as const;

export type SunsetRow = Selectable<SunsetsTable>;

/** Sunsets: their approvals, and the destruction itself, as steps each committed before the next. */
export class SunsetStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: { id: string; region: string; requestedBy: string; now: number }): Promise<void> {
    await this.db.insertInto('sunsets').values({ id: s.id, region: s.region, status: 'requested', requested_by: s.requestedBy, requested_at: s.now, approved_by: null, approved_at: null, done_at: null, report: null, signed_report: null }).execute();
  }

  async findById(id: string): Promise<SunsetRow | undefined> {
    return this.db.selectFrom('sunsets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Sunsets asked for or approved, not yet done. */
  async open(): Promise<SunsetRow[]> {
    return this.db.selectFrom('sunsets').selectAll().where('status', '!=', 'done').execute();
  }

  /** Sunsets approved, part-way through their run or done: their regions collect nothing new. */
  async ending(): Promise<SunsetRow[]> {
    return this.db.selectFrom('sunsets').selectAll().where('status', '!=', 'requested').execute();
  }

  async done(): Promise<SunsetRow[]> {
    return this.db.selectFrom('sunsets').selectAll().where('status', '=', 'done').orderBy('done_at', 'desc').execute();
  }

  /** The second approval, by someone other than who asked; false if it is not waiting for one. */
  async approve(id: string, by: string, at: number): Promise<boolean> {
    const result = await this.db.updateTable('sunsets').set({ status: 'approved', approved_by: by, approved_at: at }).where('id', '=', id).where('status', '=', 'requested').where('requested_by', '!=', by).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The first step of a run: destroys in one transaction what the region's residents left: every row
   * of theirs in the tables above, the identity claims `reclaimIds` with an address in the region,
   * messages sent to their phones, and their personal fields (overwritten, their blind indexes with
   * them), and marks the sunset erased with the counts and the district keys `finish` names (to be
   * destroyed only once this has committed). Returns the rows deleted per table; undefined if the
   * sunset was not approved and waiting (another run took it).
   */
  async destroy(id: string, prefix: string, reclaimIds: string[], finish: (counts: Record<string, number>) => { keys: string; at: number }): Promise<Record<string, number> | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('sunsets').set({ status: 'running' }).where('id', '=', id).where('status', '=', 'approved').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return undefined;
      const inRegion = trx.selectFrom('residents').select('id').where('address_region', 'like', `${prefix}%`);
      const counts: Record<string, number> = {};
      counts.residents = Number((await trx.selectFrom('residents').select((eb) => eb.fn.countAll<number>().as('n')).where('address_region', 'like', `${prefix}%`).where('name_enc', '!=', SHREDDED).executeTakeFirst())?.n ?? 0);
      // Messages to the region's residents are sealed under their district's key (OutboxStore).
      counts.outbox = Number((await trx.deleteFrom('outbox').where('recipient_enc', 'like', `v2.${prefix}%`).executeTakeFirst()).numDeletedRows);
      for (const table of RESIDENT_TABLES) {
        const deleted = await trx.deleteFrom(table).where('resident_id', 'in', inRegion).executeTakeFirst();
        counts[table] = Number(deleted.numDeletedRows);
      }
      // Claims that made no account here name no resident: those with an address in the region, and
      // those a guardian of the region filed for a household member.
      const claims = trx.deleteFrom('identity_reclaims').where('resident_id', 'is', null);
      counts.identity_reclaims! += Number((await claims.where((eb) => eb.or([eb('guardian_id', 'in', inRegion), ...(reclaimIds.length > 0 ? [eb('id', 'in', reclaimIds)] : [])])).executeTakeFirst()).numDeletedRows);
      await trx
        .updateTable('residents')
        .set({ name_enc: SHREDDED, identity_enc: SHREDDED, address_enc: SHREDDED, phone_enc: null, phone_index: null, id_index: sql<string>`${SHREDDED + ':'} || id` })
        .where('address_region', 'like', `${prefix}%`)
        .execute();
      const { keys, at } = finish(counts);
      await trx.updateTable('sunsets').set({ status: 'erased', erased_at: at, deleted: JSON.stringify(counts), keys }).where('id', '=', id).execute();
      return counts;
    });
  }

  /** The district keys to destroy, widened before any of them is (one made since the data step). */
  async recordKeys(id: string, keys: string): Promise<void> {
    await this.db.updateTable('sunsets').set({ keys }).where('id', '=', id).where('status', '=', 'erased').execute();
  }

  /** The second step: the district keys (and their backups' escrow entries) are destroyed. */
  async keysDestroyed(id: string, at: number): Promise<void> {
    await this.db.updateTable('sunsets').set({ status: 'keys-destroyed', keys_destroyed_at: at }).where('id', '=', id).where('status', '=', 'erased').execute();
  }

  /** The last step: the signed report published; false if another run published it first. */
  async publish(id: string, report: string, signed: string, at: number): Promise<boolean> {
    const result = await this.db.updateTable('sunsets').set({ status: 'done', done_at: at, report, signed_report: signed }).where('id', '=', id).where('status', '=', 'keys-destroyed').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
