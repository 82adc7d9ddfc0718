import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig, DatabaseTimeouts } from '../../src/config.js';
import { openDatabase, type Engine, type DatabaseHandle } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';

/** PostgreSQL for tests; every test file works in a schema of its own, dropped afterwards. */
export const TEST_POSTGRES_URL = process.env.HEALTHCODE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenedStore {
  store: DatabaseHandle;
  /** Where the raw data lives: the SQLite file, or the PostgreSQL schema. */
  location: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };
  config: DatabaseConfig;
  dispose(): Promise<void>;
}

export const ENGINES: Engine[] = process.env.HEALTHCODE_TEST_ENGINES
  ? (process.env.HEALTHCODE_TEST_ENGINES.split(',') as Engine[])
  : ['sqlite', 'postgres'];

/** A connection URL that works in `schema`, for a server process or `openServices` to be pointed at. */
export function postgresUrlInSchema(schema: string, port?: number): string {
  const url = new URL(TEST_POSTGRES_URL);
  if (port !== undefined) url.port = String(port);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** Runs one administrative statement on the test PostgreSQL, on a connection of its own. */
export async function onTestPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty schema on the test PostgreSQL, named `prefix` and a random tail, for a server process of a test. */
export async function createPostgresSchema(prefix: string): Promise<string> {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  await onTestPostgres(`create schema "${schema}"`);
  return schema;
}

/** Drops a schema `createPostgresSchema` made, with everything in it. */
export async function dropPostgresSchema(schema: string): Promise<void> {
  await onTestPostgres(`drop schema if exists "${schema}" cascade`);
}

/** A new, migrated, empty database on `engine`; `timeouts` beyond the defaults, for a test that races many requests. */
export async function openTestStore(engine: Engine, options: { timeouts?: Partial<DatabaseTimeouts> } = {}): Promise<OpenedStore> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'healthcode-test-'));
    const path = join(dir, 'test.db');
    const config: DatabaseConfig = { kind: 'sqlite', path };
    const store = await openDatabase(config, { timeouts: options.timeouts });
    await migrateToLatest(store);
    return {
      store,
      config,
      location: { kind: 'sqlite', path },
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `hc_test_${randomBytes(6).toString('hex')}`;
  const config: DatabaseConfig = { kind: 'postgres', url: TEST_POSTGRES_URL };
  let store: DatabaseHandle;
  try {
    store = await openDatabase(config, { schema, poolSize: 4, timeouts: options.timeouts });
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${TEST_POSTGRES_URL} does not answer (${(error as Error).message}). Start it, point HEALTHCODE_TEST_POSTGRES_URL at one, or set HEALTHCODE_TEST_ENGINES=sqlite.`,
    );
  }
  await migrateToLatest(store);
  return {
    store,
    config,
    location: { kind: 'postgres', url: TEST_POSTGRES_URL, schema },
    dispose: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
