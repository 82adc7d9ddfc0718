import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { dumpPostgres } from '../../src/cli/database-copy.js';
import { restorePostgres } from '../../src/cli/postgres-restore.js';
import { createPostgresSchema, dropPostgresSchema, ENGINES, onTestPostgres, postgresUrlInSchema } from '../support/engines.js';

/** Rows of `schema`'s residents, as a server would read them. */
async function residents(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: postgresUrlInSchema(schema) });
  await client.connect();
  try {
    return (await client.query<{ r: string }>(`select address_region as r from "${schema}".residents order by 1`)).rows.map((row) => row.r);
  } finally {
    await client.end();
  }
}

describe('restoring a PostgreSQL dump in place of its schema', { skip: !ENGINES.includes('postgres') }, () => {
  let schema: string;
  let dump: string;
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-pg-restore-'));
  before(async () => {
    schema = await createPostgresSchema('hc_pgrestore');
    await onTestPostgres(`create table "${schema}".healthcode_migrations (name text); insert into "${schema}".healthcode_migrations values ('0027-colour-notices')`);
    await onTestPostgres(`create table "${schema}".residents (address_region text, name_enc text); insert into "${schema}".residents values ('330106', 'v2.a'), ('330110', 'v2.b')`);
    dump = join(dir, 'database.pgdump');
    await dumpPostgres(postgresUrlInSchema(schema), schema, dump);
    // What the dump is restored over: one resident more than it holds.
    await onTestPostgres(`insert into "${schema}".residents values ('330110', 'v2.c')`);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropPostgresSchema(schema);
  });

  it('hands the copy\'s last migration and sealed districts to the check, inside the transaction', async () => {
    let seen: unknown;
    await assert.rejects(
      restorePostgres(postgresUrlInSchema(schema), schema, dump, (contents) => {
        seen = contents;
        throw new Error('refused by the check');
      }),
      /refused by the check/,
    );
    assert.deepEqual(seen, { schema: '0027-colour-notices', regions: ['330106', '330110'] });
  });

  it('leaves the old schema as it was when the check refuses', async () => {
    assert.deepEqual(await residents(schema), ['330106', '330110', '330110']);
  });

  it('replaces the schema with the copy once the check passes', async () => {
    await restorePostgres(postgresUrlInSchema(schema), schema, dump, () => undefined);
    assert.deepEqual(await residents(schema), ['330106', '330110']);
  });
});
