import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Engine } from '../src/store/database.js';
import { TEST_POSTGRES_URL } from '../test/support/engines.js';
import { benchServices, syntheticResident, throughput } from './bench-support.js';

const COLUMNS = 'id, name_enc, identity_enc, phone_enc, address_enc, id_index, phone_index, address_region, created_at';
const TABLE = `(id text primary key, name_enc text not null, identity_enc text not null, phone_enc text, address_enc text not null, id_index text not null unique, phone_index text unique, address_region text not null, created_at bigint not null)`;

/** A row of a resident's size: ciphertexts and indexes as long as the service writes them. */
function bareRow(i: number): unknown[] {
  const sealed = (bytes: number) => `v2.330110.${randomBytes(bytes).toString('base64url')}`;
  return [`${i}-${randomBytes(8).toString('hex')}`, sealed(40), sealed(60), sealed(40), sealed(80), randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url'), '330110', Date.now()];
}

/** The baseline: the same number of resident-sized rows inserted one statement each, with no service around them. */
async function bareInserts(engine: Engine, count: number, concurrency: number): Promise<number> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-bare-'));
    const db = new BetterSqlite3(join(dir, 'bare.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(`create table bare ${TABLE}`);
      const insert = db.prepare(`insert into bare (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      return await throughput(count, concurrency, async (i) => insert.run(...bareRow(i)));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: concurrency });
  const table = `bare_registrations_${randomBytes(4).toString('hex')}`;
  try {
    await pool.query(`create table ${table} ${TABLE}`);
    return await throughput(count, concurrency, (i) => pool.query(`insert into ${table} (${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, bareRow(i)));
  } finally {
    await pool.query(`drop table if exists ${table}`);
    await pool.end();
  }
}

/**
 * Registrations per second through the service layer (validation, the ended-region check,
 * encryption under the district key, blind indexes, insert), beside bare inserts of rows of the same
 * size in the same run.
 */
export async function registrationBench(engine: Engine, count: number): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const concurrency of [1, 8]) {
    const label = concurrency === 1 ? 'sequential' : `concurrency_${concurrency}`;
    const bench = await benchServices(engine);
    try {
      const registrations = await throughput(count, concurrency, (i) => bench.services.residents.register(syntheticResident(i)));
      const bare = await bareInserts(engine, count, concurrency);
      figures[`registrations_per_second.${engine}.${label}`] = registrations;
      figures[`registrations_bare_insert_per_second.${engine}.${label}`] = bare;
      figures[`registrations_ratio_to_bare_insert.${engine}.${label}`] = Math.round((registrations / bare) * 1000) / 1000;
    } finally {
      await bench.dispose();
    }
  }
  return figures;
}
