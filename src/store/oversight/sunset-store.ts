import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ChangeFeed } from '../change-feed.js';
import type { Engine } from '../database.js';
import type { Database, SunsetsTable } from '../schema.js';

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
  'colour_notices',
  'paper_cards',
  'grants',
  'identity_reclaims',
] as const;

/** How long cleaning waits for transactions begun before the deletion, whose snapshots keep its rows. */
const HORIZON_WAIT_MS = 60_000;

/** Every table a sunset deletes from or overwrites: the files a sunset cleans. */
const SHREDDED_TABLES = ['residents', 'guardianships', 'outbox', 'sign_in_codes', 'traces', ...RESIDENT_TABLES] as const;

export type SunsetRow = Selectable<SunsetsTable>;

/**
 * What of the region the store cannot find by itself, found before the keys that open it go: the
 * identity claims with an address in it, and the blind indexes under which its residents' and
 * claimants' phones asked for sign-in codes (`ResidentLookupsStore.phoneIndexes`).
 */
export interface RegionReach {
  reclaimIds: string[];
  signInIndexes: string[];
}

/** What a sunset did to the database's files once its transaction committed, as its report says. */
export interface FilesCleaned {
  engine: Engine;
  /** The statements run, and the tables they rewrote. */
  compacted: string;
  tables: string[];
  /** What the engine's own logs, and copies made outside it, may still hold. */
  mayRemain: string;
}

/** Runs a delete over `values` in chunks below either engine's bound on parameters; the rows deleted. */
async function deleteInChunks(values: string[], remove: (chunk: string[]) => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let n = 0;
  for (let i = 0; i < values.length; i += 500) n += Number((await remove(values.slice(i, i + 500))).numDeletedRows);
  return n;
}

/** Traces that name a resident of the region: as the case, or among the contacts in their result. */
async function tracesTouching(trx: Transaction<Database>, inRegion: Set<string>): Promise<string[]> {
  const rows = await trx.selectFrom('traces').select(['id', 'case_resident_id', 'result']).execute();
  return rows
    .filter((r) => {
      if (inRegion.has(r.case_resident_id)) return true;
      const result = JSON.parse(r.result) as { contacts?: { residentId?: string }[] };
      return (result.contacts ?? []).some((c) => c.residentId !== undefined && inRegion.has(c.residentId));
    })
    .map((r) => r.id);
}

/** Sunsets: their approvals, and the destruction itself, as steps each committed before the next. */
export class SunsetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine = 'sqlite',
    private readonly changes?: ChangeFeed,
  ) {}

  /** The erasing transaction's id on PostgreSQL, for `cleanFiles` in the same process; a resumed run waits for no snapshot. */
  #deletedBy: string | undefined;

  withTransaction(trx: Transaction<Database>): SunsetStore {
    return new SunsetStore(trx, this.engine, this.changes);
  }

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
   * The first step of a run: destroys in one transaction what the region's residents left: every
   * row of theirs in the tables above and their household links, the identity claims
   * `reach.reclaimIds` with an address in the region, messages sealed under its districts' keys,
   * sign-in codes asked for their phones, the traces naming them, and their personal fields
   * (overwritten, their blind indexes with them), and marks the sunset erased with the counts and the
   * district keys `finish` names (to be destroyed only once this has committed). The transaction
   * announces the region's end to every serving process (their sessions and codes cached, their
   * district keys in memory). Returns the rows deleted per table; undefined if the sunset was not
   * approved and waiting (another run took it). `cleanFiles` then cleans the files.
   */
  async destroy(id: string, prefix: string, reach: RegionReach, finish: (counts: Record<string, number>) => { keys: string; at: number }): Promise<Record<string, number> | undefined> {
    const work = async (trx: Transaction<Database>) => {
      const claimed = await trx.updateTable('sunsets').set({ status: 'running' }).where('id', '=', id).where('status', '=', 'approved').executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return undefined;
      // The deleting transaction's id (32 bits, as snapshots show it): the files are cleaned once no snapshot older is open.
      if (this.engine === 'postgres') this.#deletedBy = (await sql<{ x: string }>`select (pg_current_xact_id()::text::bigint % 4294967296)::text as x`.execute(trx)).rows[0]!.x;
      const inRegion = trx.selectFrom('residents').select('id').where('address_region', 'like', `${prefix}%`);
      const residentIds = new Set((await inRegion.execute()).map((r) => r.id));
      const counts: Record<string, number> = {};
      counts.residents = Number((await trx.selectFrom('residents').select((eb) => eb.fn.countAll<number>().as('n')).where('address_region', 'like', `${prefix}%`).where('name_enc', '!=', SHREDDED).executeTakeFirst())?.n ?? 0);
      // Messages to the region's residents are sealed under their district's key (OutboxStore).
      counts.outbox = Number((await trx.deleteFrom('outbox').where('recipient_enc', 'like', `v2.${prefix}%`).executeTakeFirst()).numDeletedRows);
      counts.sign_in_codes = await deleteInChunks(reach.signInIndexes, (chunk) => trx.deleteFrom('sign_in_codes').where('phone_index', 'in', chunk).executeTakeFirst());
      counts.traces = await deleteInChunks(await tracesTouching(trx, residentIds), (chunk) => trx.deleteFrom('traces').where('id', 'in', chunk).executeTakeFirst());
      for (const table of RESIDENT_TABLES) {
        const deleted = await trx.deleteFrom(table).where('resident_id', 'in', inRegion).executeTakeFirst();
        counts[table] = Number(deleted.numDeletedRows);
      }
      // Household links across the region's border too: who looked after whom, and how related.
      counts.guardianships = Number((await trx.deleteFrom('guardianships').where((eb) => eb.or([eb('guardian_id', 'in', inRegion), eb('dependent_id', 'in', inRegion)])).executeTakeFirst()).numDeletedRows);
      // Claims that made no account here name no resident: those with an address in the region, and
      // those a guardian of the region filed for a household member.
      const claims = trx.deleteFrom('identity_reclaims').where('resident_id', 'is', null);
      counts.identity_reclaims! += Number((await claims.where((eb) => eb.or([eb('guardian_id', 'in', inRegion), ...(reach.reclaimIds.length > 0 ? [eb('id', 'in', reach.reclaimIds)] : [])])).executeTakeFirst()).numDeletedRows);
      await trx
        .updateTable('residents')
        .set({ name_enc: SHREDDED, identity_enc: SHREDDED, address_enc: SHREDDED, phone_enc: null, phone_index: null, id_index: sql<string>`${SHREDDED + ':'} || id` })
        .where('address_region', 'like', `${prefix}%`)
        .execute();
      const { keys, at } = finish(counts);
      await trx.updateTable('sunsets').set({ status: 'erased', erased_at: at, deleted: JSON.stringify(counts), keys }).where('id', '=', id).execute();
      return counts;
    };
    // SQLite overwrites what it deletes (free pages, WAL frames) while this is on.
    const secureBefore = this.engine === 'sqlite' ? await this.pragma('secure_delete') : undefined;
    if (this.engine === 'sqlite') await sql.raw('pragma secure_delete = on').execute(this.db);
    try {
      const change = { kind: 'region-ended', prefix } as const;
      return this.changes ? await this.changes.commit(this.db, change, work) : await this.db.transaction().execute(work);
    } finally {
      if (secureBefore !== undefined) await sql.raw(`pragma secure_delete = ${Number(secureBefore)}`).execute(this.db);
    }
  }

  /** What `cleanFiles` does on this engine, for the report (signed before it runs, after the commit). */
  filesCleaned(): FilesCleaned {
    if (this.engine === 'sqlite') {
      return {
        engine: 'sqlite',
        compacted: 'pragma secure_delete during the deletion; VACUUM; pragma wal_checkpoint(TRUNCATE)',
        tables: ['all'],
        mayRemain: 'nothing in the database file or its WAL; copies of the file taken before (backups) hold everything they held, names, documents and phones sealed under the destroyed keys',
      };
    }
    return {
      engine: 'postgres',
      compacted: 'VACUUM (FULL, ANALYZE): each table rewritten into a new file, the old one removed',
      tables: [...SHREDDED_TABLES],
      mayRemain: "the server's write-ahead log (pg_wal) keeps the deleted rows until its segments are recycled and overwritten, and a WAL archive or base backup keeps them as long as it is kept: expire those no later than a sunset should; names, documents and phones in them are sealed under the destroyed keys",
    };
  }

  /**
   * Removes from the live database's files what the deleted rows left (pages of free lists, the WAL,
   * dead tuples). Outside any transaction: neither engine vacuums inside one. PostgreSQL's plain
   * VACUUM leaves a dead tuple's bytes in the page's free space; only a rewrite (FULL) drops them.
   */
  async cleanFiles(deletedBy = this.#deletedBy): Promise<void> {
    if (this.engine === 'sqlite') {
      await sql.raw('vacuum').execute(this.db);
      // Waits (busy_timeout) for readers of older frames; busy after that, the WAL was not emptied.
      const { rows } = await sql.raw<{ busy: number }>('pragma wal_checkpoint(TRUNCATE)').execute(this.db);
      if (Number(rows[0]?.busy ?? 0) !== 0) throw new Error('the WAL could not be emptied: another process kept reading; run `sqlite3 healthcode.db "pragma wal_checkpoint(TRUNCATE)"` once it stops');
      return;
    }
    await this.db.connection().execute(async (conn) => {
      // A rewrite keeps the rows a transaction begun before the deletion may still see ("recently
      // dead"): wait, a bounded while, until no snapshot that old is open in this database.
      for (let waited = 0; deletedBy !== undefined && waited < HORIZON_WAIT_MS; waited += 200) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_xmin is not null and age(backend_xmin) >= age(${deletedBy}::text::xid)`.execute(conn);
        if (Number(rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // A rewrite takes longer than a request may: no statement timeout for it.
      await sql.raw('set statement_timeout = 0').execute(conn);
      try {
        for (const table of SHREDDED_TABLES) await sql`vacuum (full, analyze) ${sql.table(table)}`.execute(conn);
      } finally {
        await sql.raw('reset statement_timeout').execute(conn);
      }
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

  private async pragma(name: string): Promise<number> {
    const { rows } = await sql.raw<Record<string, number>>(`pragma ${name}`).execute(this.db);
    return Number(Object.values(rows[0] ?? {})[0] ?? 0);
  }
}
