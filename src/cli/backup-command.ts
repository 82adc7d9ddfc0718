import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Config } from '../config.js';
import { dataKeyCheck } from '../privacy/data-key.js';
import { makeBackup } from '../privacy/key-backup.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';
import { openDatabase } from '../store/database.js';
import { DataKeyCheckStore } from '../store/data-key-check-store.js';
import { DATABASE_FILES, KEYS_FILE, MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, POSTGRES_SCHEMA_NAME, sealManifest, sha256Of, type BackupManifest } from './backup-manifest.js';
import { copySqlite, dumpPostgres, fileSize, postgresSchemaOf } from './database-copy.js';
import { escrow, masterKey } from './key-backup-command.js';

/**
 * `healthcode backup --out DIR`: the database and the districts' keys that open it, together. The
 * database is copied first (one consistent snapshot), the keys after: keys are only ever added
 * (or destroyed by a sunset), so every district with data in the copy has its key in the key file.
 * The key file is `healthcode keys backup`'s, sealed under the key escrow, so a region's sunset
 * reaches this backup too. A manifest names the time, engine, schema, data key, districts, each
 * file's sha256 and the expiry, sealed with an HMAC under the data key. The directory is the owner's
 * alone (700) and every file in it 600, whatever the directory was before.
 */
export async function backupCommand(args: string[], config: Config, now: Date, fail: (message: string) => never, print: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) fail('--out: give the directory to write the backup into (it must not exist, or be empty)');
  const out = values.out;
  if (lstatSync(out, { throwIfNoEntry: false })?.isSymbolicLink()) fail(`--out: ${out} is a symbolic link: give the directory itself, so that its owner and mode are the ones checked`);
  if (existsSync(out) && readdirSync(out).length > 0) fail(`--out: ${out} is not empty; a backup is never written over another`);
  const master = masterKey(config, fail);
  const escrowKeys = escrow(config, fail);

  const store = await openDatabase(config.database, { poolSize: 1 });
  let schema: string;
  let postgresSchema: string | null = null;
  try {
    if (config.database.kind === 'postgres') {
      postgresSchema = (await postgresSchemaOf(config.database.url)) ?? fail('HEALTHCODE_DATABASE_URL: its search_path names no schema that exists: add ?options=-c%20search_path%3DSCHEMA, the schema the server uses');
      // A name that needs quoting would be read by pg_dump as a pattern, and refused by restore.
      if (!POSTGRES_SCHEMA_NAME.test(postgresSchema)) fail(`HEALTHCODE_DATABASE_URL: the schema in use, '${postgresSchema}', is not one a backup can name (lower-case letters, digits and _): serve from such a schema`);
    }
    const last = await sql<{ name: string }>`select name from healthcode_migrations order by name desc limit 1`.execute(store.db).catch(() => ({ rows: [] }));
    const row = last.rows[0];
    if (!row) {
      fail(
        postgresSchema !== null
          ? `HEALTHCODE_DATABASE_URL: schema ${postgresSchema}, the first of its search_path, holds no healthcode tables: set the search_path to the schema the server uses (?options=-c%20search_path%3DSCHEMA), or run \`healthcode migrate\` first`
          : 'the database has no schema yet: run `healthcode migrate` (or start the server) first',
      );
    }
    schema = row.name;
    const recorded = await new DataKeyCheckStore(store.db).get();
    const check = dataKeyCheck(master);
    if (recorded && recorded.checkValue !== check.checkValue) fail(`the data key given (id ${check.keyId}) is not the one the database was set up with (id ${recorded.keyId}): a backup of them would not open`);
  } finally {
    await store.close();
  }

  mkdirSync(out, { recursive: true, mode: 0o700 });
  // An existing empty directory keeps the mode it had: made the owner's alone here.
  chmodSync(out, 0o700);
  if (typeof process.getuid === 'function' && statSync(out).uid !== process.getuid()) fail(`--out: ${out} belongs to another user: give a directory of your own`);
  const databaseFile = join(out, DATABASE_FILES[config.database.kind]);
  try {
    if (config.database.kind === 'sqlite') await copySqlite(config.database.path, databaseFile);
    else await dumpPostgres(config.database.url, postgresSchema!, databaseFile);
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    fail(`backup: ${(error as Error).message}`);
  }
  const keys = RegionKeys.underMasterKey(new FileRegionKeys(config.regionKeyDir), master);
  const keyBackup = makeBackup(keys, escrowKeys, now, config.backupRetentionDays);
  const keysFile = join(out, KEYS_FILE);
  writeFileSync(keysFile, `${JSON.stringify(keyBackup, null, 2)}\n`, { mode: 0o600, flag: 'wx' });

  const manifest: Omit<BackupManifest, 'mac'> = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    createdAt: keyBackup.createdAt,
    expiresAt: keyBackup.expiresAt,
    engine: config.database.kind,
    schema,
    postgresSchema,
    dataKeyId: dataKeyCheck(master).keyId,
    regions: keyBackup.keys.map((k) => k.region),
    files: [],
  };
  for (const file of [databaseFile, keysFile]) manifest.files.push({ name: file.slice(out.length + 1), bytes: fileSize(file), sha256: await sha256Of(file) });
  writeFileSync(join(out, MANIFEST_FILE), `${JSON.stringify(sealManifest(manifest, master), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  print(
    `backed up the ${config.database.kind} database (schema ${schema}) and ${manifest.regions.length} district keys to ${out}; restorable until ${manifest.expiresAt}, only with the data key ${manifest.dataKeyId} and the key escrow at ${config.keyEscrowDir}\n`,
  );
}
