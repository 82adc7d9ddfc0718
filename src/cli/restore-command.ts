import { channel } from 'node:diagnostics_channel';
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { dataKeyCheck } from '../privacy/data-key.js';
import { KeyBackupError, openBackup, parseBackup } from '../privacy/key-backup.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';
import { MIGRATION_NAMES } from '../store/migrations/index.js';
import { contentsRefusal, sqliteContents, type CopyContents } from './backup-contents.js';
import { DATABASE_FILES, KEYS_FILE, MANIFEST_FILE, ManifestError, manifestSealedUnder, parseManifest, refusal, sha256Of } from './backup-manifest.js';
import { putSqlite, schemaServedFrom, sqliteFiles, tablesIn } from './database-copy.js';
import { escrow, masterKey } from './key-backup-command.js';
import { restorePostgres } from './postgres-restore.js';
import { clearRestore, lockOutPostgresServers, markRestore, RESTORE_MARKER, sqliteServers } from './restore-guards.js';

const MAX_SMALL_FILE_BYTES = 4 * 2 ** 20;
/** Tells each step as it is reached (a test kills the process there, as a crash would). */
const steps = channel('healthcode:restore-step');
const reached = (step: string) => steps.publish({ step });

/**
 * `healthcode restore --from DIR [--replace]`: a backup made by `healthcode backup` into this data
 * directory and database. Everything is checked before anything is written: the manifest's MAC under
 * the data key (so no field and no file digest was changed by anyone without it), the files against
 * their sha256, the expiry, the schema (known to this code), the engine, the keys against the escrow,
 * and the manifest against what the files hold. A backup holding a district whose sunset has run since
 * (its escrow entry is gone) is refused, the districts read from the database copy itself: the copy
 * still holds that district's rows, sealed under a key no one has. Only into an empty target, unless
 * `--replace`, which says what it replaces; never under a running server. The data directory is
 * marked first and unmarked last, so `serve` refuses a restore cut short.
 */
export async function restoreCommand(args: string[], config: Config, now: Date, fail: (message: string) => never, print: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, replace: { type: 'boolean', default: false } } });
  if (!values.from) fail('--from: give the backup directory to restore');
  const from = resolve(values.from);
  if (!existsSync(from) || !statSync(from).isDirectory()) fail(`--from: ${from} is not a directory`);
  const real = realpathSync(from);
  for (const dir of [config.dataDir, config.regionKeyDir]) {
    if (existsSync(dir) && `${real}/`.startsWith(`${realpathSync(dir)}/`)) fail(`--from: ${from} is inside ${dir}, which the restore replaces: move the backup out of it first`);
  }
  const regularFile = (name: string, field: string) => {
    const path = join(from, name);
    if (!existsSync(path) && !lstatSync(path, { throwIfNoEntry: false })) fail(`--from: ${from}: ${field}: ${name} is missing`);
    if (!lstatSync(path).isFile()) fail(`--from: ${from}: ${field}: ${name} is not a regular file (a link is not followed out of the backup)`);
    return path;
  };
  const manifestPath = join(from, MANIFEST_FILE);
  if (!existsSync(manifestPath) || statSync(manifestPath).size > MAX_SMALL_FILE_BYTES) fail(`--from: ${from} holds no ${MANIFEST_FILE}: not a backup made by \`healthcode backup\``);
  regularFile(MANIFEST_FILE, MANIFEST_FILE);
  const refuse = (error: unknown): never => {
    if (error instanceof ManifestError || error instanceof KeyBackupError) fail(`--from: ${from}: ${error.message}`);
    throw error;
  };
  const attempt = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      return refuse(error);
    }
  };

  const manifest = attempt(() => parseManifest(readFileSync(manifestPath, 'utf8')));
  const master = masterKey(config, fail);
  if (dataKeyCheck(master).keyId !== manifest.dataKeyId) fail(`--from: ${from}: dataKeyId: the backup was made under data key ${manifest.dataKeyId}, this is ${dataKeyCheck(master).keyId}: restore that data key (or set HEALTHCODE_DATA_KEY) first`);
  if (!manifestSealedUnder(manifest, master)) fail(`--from: ${from}: mac: the manifest is not as \`healthcode backup\` sealed it under this data key: the backup was altered`);
  for (const [i, file] of manifest.files.entries()) {
    const path = regularFile(file.name, `files[${i}]`);
    if (statSync(path).size !== file.bytes || (await sha256Of(path)) !== file.sha256) fail(`--from: ${from}: files[${i}]: ${file.name} does not match its sha256 in the manifest: the backup was altered or damaged`);
  }
  const refused = refusal(manifest, MIGRATION_NAMES, now);
  if (refused) refuse(refused);
  if (manifest.engine !== config.database.kind) fail(`--from: ${from}: engine: the backup is of ${manifest.engine}, HEALTHCODE_DATABASE_URL is ${config.database.kind}`);

  const keys = RegionKeys.underMasterKey(new FileRegionKeys(config.regionKeyDir), master);
  const keyBackup = attempt(() => parseBackup(readFileSync(join(from, KEYS_FILE), 'utf8')));
  for (const field of ['createdAt', 'expiresAt'] as const) {
    if (keyBackup[field] !== manifest[field]) fail(`--from: ${from}: ${field}: the manifest's is not the one sealed with the keys (${keyBackup[field]}): the manifest was altered`);
  }
  const escrowKeys = escrow(config, fail);
  const opened = attempt(() => openBackup(keyBackup, escrowKeys, keys, now));
  if (opened.shredded.length > 0) {
    fail(
      `--from: ${from}: regions: the sunset of ${opened.shredded.join(', ')} has run since this backup was made (their escrow entries are destroyed); ` +
        "it still holds their residents' rows, which no key opens any more, and may not be restored: restore a backup made after that sunset",
    );
  }
  const checkContents = (contents: CopyContents) => {
    const wrong = contentsRefusal(manifest, contents, keyBackup.keys.map((k) => k.region), (region) => escrowKeys.read(region) !== undefined);
    if (wrong) throw wrong;
  };
  const databaseFile = join(from, DATABASE_FILES[manifest.engine]);
  if (config.database.kind === 'sqlite') attempt(() => checkContents(sqliteContents(databaseFile)));

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
  if (existsSync(join(config.dataDir, RESTORE_MARKER))) replaced.push(`the restore cut short that left ${join(config.dataDir, RESTORE_MARKER)}`);
  if ((replaced.length > 0 || heldKeys.length > 0) && !values.replace) {
    fail(`the target is not empty (${[...replaced.slice(0, 3), ...(replaced.length > 3 ? [`${replaced.length - 3} more`] : []), ...(heldKeys.length ? [`${heldKeys.length} district keys in ${config.regionKeyDir}`] : [])].join(', ')}): restore into a fresh data directory and an empty database, or give --replace to replace them`);
  }

  // Marked before looking for servers: a server says so before it looks for the mark, so one of the two sees the other.
  const wasMarked = existsSync(join(config.dataDir, RESTORE_MARKER));
  markRestore(config.dataDir, from, now);
  const refuseServing = (servers: string[]): never => {
    if (!wasMarked) clearRestore(config.dataDir);
    return fail(`a server is running on this database (${servers.join(', ')}): stop it first; a restore under it would be overwritten by what it goes on writing`);
  };
  let release = async () => undefined as void;
  if (config.database.kind === 'sqlite') {
    const pids = sqliteServers(config.database.path);
    if (pids.length > 0) refuseServing(pids.map((pid) => `healthcode serve, pid ${pid}`));
  } else {
    const locked = await lockOutPostgresServers(config.database.url, manifest.postgresSchema!);
    if ('servers' in locked) refuseServing(locked.servers);
    else release = locked.release;
  }
  reached('marked');
  if (replaced.length > 0 || heldKeys.length > 0) {
    print(`replacing ${config.database.kind === 'sqlite' ? replaced.join(', ') : `${replaced.length} tables of schema ${manifest.postgresSchema}`}${heldKeys.length ? ` and the district keys of ${heldKeys.join(', ')}` : ''}\n`);
  }
  try {
    if (config.database.kind === 'sqlite') putSqlite(databaseFile, config.database.path);
    else
      await restorePostgres(config.database.url, manifest.postgresSchema!, databaseFile, (contents) => {
        checkContents(contents);
        reached('database-before-commit');
      });
  } catch (error) {
    // PostgreSQL's restore is one transaction: refused or failed, the target is as it was.
    if (config.database.kind === 'postgres' && !wasMarked) clearRestore(config.dataDir);
    if (error instanceof ManifestError) refuse(error);
    fail(`restore: ${(error as Error).message}`);
  } finally {
    await release();
  }
  reached('database-restored');
  const files = new FileRegionKeys(config.regionKeyDir);
  for (const region of heldKeys) files.destroy(region);
  for (const { region, wrapped } of opened.opened) keys.restore(region, wrapped);
  reached('keys-restored');
  clearRestore(config.dataDir);
  print(
    `restored the ${manifest.engine} database of ${manifest.createdAt} (schema ${manifest.schema}) and ${opened.opened.length} district keys; \`healthcode serve\` starts on it (and migrates it if it is older)\n`,
  );
}
