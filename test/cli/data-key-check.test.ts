import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { openServices } from '../../src/cli/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { DataKeyMismatchError } from '../../src/privacy/data-key.js';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { ZHANG_WEI } from '../support/people.js';

const silent = createLogger('silent');

for (const engine of ENGINES) {
  describe(`the data key a database was set up with [${engine}]`, () => {
    let dirs: string[];
    let databaseUrl: string;
    let schema: string | undefined;
    // The districts' keys travel with the database, as an operator keeps them; the data key is what these tests vary.
    let regionKeys: string;

    const dataDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'healthcode-key-'));
      dirs.push(dir);
      return dir;
    };
    const open = (dir: string, extra: Record<string, string> = {}) =>
      openServices(loadConfig({ HEALTHCODE_DATA_DIR: dir, HEALTHCODE_DATABASE_URL: databaseUrl, HEALTHCODE_MODE: 'production', HEALTHCODE_REGION_KEYS: regionKeys, ...extra }), silent);

    beforeEach(async () => {
      dirs = [];
      regionKeys = join(dataDir(), 'region-keys');
      if (engine === 'sqlite') databaseUrl = `sqlite:${join(dataDir(), 'shared.db')}`;
      else {
        schema = `hc_key_${randomBytes(5).toString('hex')}`;
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`create schema "${schema}"`);
        await client.end();
        databaseUrl = postgresUrlInSchema(schema);
      }
    });
    afterEach(async () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      if (schema) {
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.end();
        schema = undefined;
      }
    });

    /** The first server: sets the database up and registers someone under its key. */
    async function setUp(): Promise<{ key: string; residentId: string }> {
      const key = randomBytes(32).toString('base64');
      const first = await open(dataDir(), { HEALTHCODE_DATA_KEY: key });
      const { id } = await first.services.residents.register(ZHANG_WEI);
      await first.close();
      return { key, residentId: id };
    }

    it('refuses to start from a fresh data directory, and makes no new key there', async () => {
      await setUp();
      const fresh = dataDir();
      await assert.rejects(open(fresh), (error: Error) => {
        assert.ok(error instanceof DataKeyMismatchError);
        assert.match(error.message, /is encrypted under data key \S+, and .*data\.key does not exist; restore the key file from your backup, or set HEALTHCODE_DATA_KEY/);
        return true;
      });
      assert.equal(existsSync(join(fresh, 'keys', 'data.key')), false);
    });

    it('refuses a different key, naming both key ids and the fix', async () => {
      await setUp();
      await assert.rejects(open(dataDir(), { HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') }), (error: Error) => {
        assert.ok(error instanceof DataKeyMismatchError);
        assert.match(error.message, /^the data key given \(id \S{11}\) is not the one the database was set up with \(id \S{11}\); restore the key file/);
        return true;
      });
    });

    it('starts with the right key and reads what is stored', async () => {
      const { key, residentId } = await setUp();
      const again = await open(dataDir(), { HEALTHCODE_DATA_KEY: key });
      try {
        assert.equal((await again.services.residents.get(residentId)).name, ZHANG_WEI.name);
      } finally {
        await again.close();
      }
    });

    it('tests a key against a database set up before the check existed, and records the right one', async () => {
      const { key } = await setUp();
      const raw = await open(dataDir(), { HEALTHCODE_DATA_KEY: key });
      await raw.store.db.deleteFrom('data_key_check').execute();
      await raw.close();
      await assert.rejects(open(dataDir(), { HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') }), /cannot read the personal data already in the database/);
      const right = await open(dataDir(), { HEALTHCODE_DATA_KEY: key });
      assert.ok(await right.store.db.selectFrom('data_key_check').select('key_id').executeTakeFirst());
      await right.close();
    });
  });
}
