import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { dataKeyCheck } from '../privacy/data-key.js';
import { KeyBackupError, openBackup, parseBackup } from '../privacy/key-backup.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';
import { MIGRATION_NAMES } from '../store/migrations/index.js';
import { DATABASE_FILES, KEYS_FILE, MANIFEST_FILE, ManifestError, parseManifest, refusal, sha256Of } from './backup-manifest.js';
import { putSqlite, restorePostgres, schemaServedFrom, sqliteFiles, tablesIn } from './database-copy.js';
import { escrow, masterKey } from './key-backup-command.js';

const MAX_SMALL_FILE_BYTES = 4 * 2 ** 20;

/**
 * `healthcode restore --from DIR [--replace]`: a backup made by `healthcode backup` into this data
 * directory and database. Everything is checked before anything is written: the files against the
 * manifest's sha256, the expiry, the schema (not newer than this code), the engine, the keys against
 * the escrow and the data key. A backup holding a district whose sunset has run since (its escrow
 * entry is gone) is refused: the copy still holds that district's rows, sealed under a key no one
 * has, and a database that never heard of the sunset would serve them as a district with a lost
 * key. Only into an empty target, unless `--replace`, which says what it replaces.
 */
export async function restoreCommand(args: string[], config: Config, now: Date, fail: (message: string) => never, print: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, replace: { type: 'boolean', default: false } } });
  if (!values.from) fail('--from: give the backup directory to restore');
  const from = values.from;
  if (!existsSync(from) || !statSync(from).isDirectory()) fail(`--from: ${from} is not a directory`);
  const manifestPath = join(from, MANIFEST_FILE);
  if (!existsSync(manifestPath) || statSync(manifestPath).size > MAX_SMALL_FILE_BYTES) fail(`--from: ${from} holds no ${MANIFEST_FILE}: not a backup made by \`healthcode backup\``);
  const refuse = (error: unknown): never => {
    if (error instanceof ManifestError || error instanceof KeyBackupError) fail(`--from: ${from}: ${error.message}`);
    throw error;
  };

  const manifest = (() => {
    try {
      return parseManifest(readFileSync(manifestPath, 'utf8'));
    } catch (error) {
      return refuse(error);
    }
  })();
  for (const [i, file] of manifest.files.entries()) {
    const path = join(from, file.name);
    if (!existsSync(path)) fail(`--from: ${from}: files[${i}]: ${file.name} is missing`);
    if (statSync(path).size !== file.bytes || (await sha256Of(path)) !== file.sha256) fail(`--from: ${from}: files[${i}]: ${file.name} does not match its sha256 in the manifest: the backup was altered or damaged`);
  }
  const refused = refusal(manifest, MIGRATION_NAMES, now);
  if (refused) refuse(refused);
  if (manifest.engine !== config.database.kind) fail(`--from: ${from}: engine: the backup is of ${manifest.engine}, HEALTHCODE_DATABASE_URL is ${config.database.kind}`);

  const master = masterKey(config, fail);
  if (dataKeyCheck(master).keyId !== manifest.dataKeyId) fail(`--from: ${from}: dataKeyId: the backup was made under data key ${manifest.dataKeyId}, this is ${dataKeyCheck(master).keyId}: restore that data key (or set HEALTHCODE_DATA_KEY) first`);
  const keysText = readFileSync(join(from, KEYS_FILE), 'utf8');
  const keys = RegionKeys.underMasterKey(new FileRegionKeys(config.regionKeyDir), master);
  const keyBackup = (() => {
    try {
      return parseBackup(keysText);
    } catch (error) {
      return refuse(error);
    }
  })();
  if (keyBackup.expiresAt !== manifest.expiresAt) fail(`--from: ${from}: expiresAt: the manifest's expiry is not the one sealed with the keys (${keyBackup.expiresAt}): the manifest was altered`);
  const opened = (() => {
    try {
      return openBackup(keyBackup, escrow(config, fail), keys, now);
    } catch (error) {
      return refuse(error);
    }
  })();
  if (opened.shredded.length > 0) {
    fail(
      `--from: ${from}: regions: the sunset of ${opened.shredded.join(', ')} has run since this backup was made (their escrow entries are destroyed); ` +
        "it still holds their residents' rows, which no key opens any more, and may not be restored: restore a backup made after that sunset",
    );
  }

  // The target: empty, or replaced as asked, saying what goes.
  const heldKeys = new FileRegionKeys(config.regionKeyDir).regions();
  let replaced: string[];
  if (config.database.kind === 'sqlite') {
    replaced = sqliteFiles(config.database.path);
  } else {
    // Restored where the server on this URL will read: the first schema of its search_path that exists.
    const served = await schemaServedFrom(config.database.url, manifest.postgresSchema!);
    if (served !== manifest.postgresSchema) {
      fail(
        `HEALTHCODE_DATABASE_URL: the backup is restored into schema ${manifest.postgresSchema}, but a server on this URL would read ${served === undefined ? 'no schema (its search_path names none that exists)' : `schema ${served}`}: ` +
          `set its search_path to ${manifest.postgresSchema} (?options=-c%20search_path%3D${manifest.postgresSchema})`,
      );
    }
    replaced = (await tablesIn(config.database.url, manifest.postgresSchema!)).map((t) => `${manifest.postgresSchema}.${t}`);
  }
  if ((replaced.length > 0 || heldKeys.length > 0) && !values.replace) {
    fail(`the target is not empty (${[...replaced.slice(0, 3), ...(replaced.length > 3 ? [`${replaced.length - 3} more`] : []), ...(heldKeys.length ? [`${heldKeys.length} district keys in ${config.regionKeyDir}`] : [])].join(', ')}): restore into a fresh data directory and an empty database, or give --replace to replace them`);
  }
  if (replaced.length > 0 || heldKeys.length > 0) {
    print(`replacing ${config.database.kind === 'sqlite' ? replaced.join(', ') : `${replaced.length} tables of schema ${manifest.postgresSchema}`}${heldKeys.length ? ` and the district keys of ${heldKeys.join(', ')}` : ''}\n`);
  }

  const databaseFile = join(from, DATABASE_FILES[manifest.engine]);
  try {
    if (config.database.kind === 'sqlite') putSqlite(databaseFile, config.database.path);
    else await restorePostgres(config.database.url, manifest.postgresSchema!, databaseFile);
  } catch (error) {
    fail(`restore: ${(error as Error).message}`);
  }
  const files = new FileRegionKeys(config.regionKeyDir);
  for (const region of heldKeys) files.destroy(region);
  for (const { region, wrapped } of opened.opened) keys.restore(region, wrapped);
  print(
    `restored the ${manifest.engine} database of ${manifest.createdAt} (schema ${manifest.schema}) and ${opened.opened.length} district keys; \`healthcode serve\` starts on it (and migrates it if it is older)\n`,
  );
}
