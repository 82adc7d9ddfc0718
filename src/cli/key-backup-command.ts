import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { loadOrCreateDataKeyFile } from '../privacy/data-key.js';
import { KeyBackupError, makeBackup, parseBackup, restoreBackup } from '../privacy/key-backup.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';

/** Largest backup file read: ten thousand districts' keys fit in well under a megabyte. */
const MAX_BACKUP_BYTES = 4 * 2 ** 20;

/** The master key, never made here: a restore onto a machine without it must say so, not make another. */
export function masterKey(config: Config, fail: (message: string) => never): Buffer {
  if (config.dataKey) return config.dataKey;
  if (!existsSync(config.dataKeyFile)) fail(`${config.dataKeyFile} does not exist: restore the data key (or set HEALTHCODE_DATA_KEY) first; the districts' keys are wrapped by it`);
  return loadOrCreateDataKeyFile(config.dataKeyFile).key;
}

export function escrow(config: Config, fail: (message: string) => never): FileRegionKeys {
  if (config.keyEscrowDir === undefined) fail("HEALTHCODE_KEY_ESCROW: set it to a directory on storage apart from this machine that every process running a sunset mounts; it holds the keys that open the backups, and a sunset destroys its districts' entries there");
  if (!existsSync(config.keyEscrowDir) || !statSync(config.keyEscrowDir).isDirectory()) fail(`HEALTHCODE_KEY_ESCROW: ${config.keyEscrowDir} is not a directory: mount the escrow's storage (it is not made here, so that an unmounted share is noticed)`);
  return new FileRegionKeys(config.keyEscrowDir, false);
}

/**
 * `healthcode keys backup --out FILE` writes every district key, each sealed under its own entry in
 * the key escrow, with the backup's expiry; `healthcode keys restore --from FILE` puts them back
 * into the keys directory, all or none, except districts whose sunset destroyed their escrow entry.
 */
export function keyBackupCommand(action: 'backup' | 'restore', args: string[], config: Config, now: Date, fail: (message: string) => never): void {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, from: { type: 'string' } } });
  const keys = RegionKeys.underMasterKey(new FileRegionKeys(config.regionKeyDir), masterKey(config, fail));
  if (action === 'backup') {
    if (!values.out) fail('--out: give the file to write the backup to');
    if (existsSync(values.out)) fail(`--out: ${values.out} exists; a backup is never written over another`);
    const backup = makeBackup(keys, escrow(config, fail), now, config.backupRetentionDays);
    writeFileSync(values.out, `${JSON.stringify(backup, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    process.stdout.write(`${backup.keys.length} district keys backed up to ${values.out}; restorable until ${backup.expiresAt}, and only with the key escrow at ${config.keyEscrowDir}\n`);
    return;
  }
  if (!values.from) fail('--from: give the backup file to restore');
  if (!existsSync(values.from) || !statSync(values.from).isFile()) fail(`--from: ${values.from} is not a file`);
  if (statSync(values.from).size > MAX_BACKUP_BYTES) fail(`--from: ${values.from} is larger than a key backup can be`);
  try {
    const outcome = restoreBackup(parseBackup(readFileSync(values.from, 'utf8')), escrow(config, fail), keys, now);
    process.stdout.write(`${outcome.restored.length} district keys restored to ${config.regionKeyDir}\n`);
    if (outcome.shredded.length > 0) process.stdout.write(`not restored, their escrow entry destroyed by their region's sunset: ${outcome.shredded.join(', ')}\n`);
    if (outcome.conflicting.length > 0) process.stdout.write(`kept, a different key is there already: ${outcome.conflicting.join(', ')}\n`);
  } catch (error) {
    if (error instanceof KeyBackupError) fail(`--from: ${values.from}: ${error.message}`);
    throw error;
  }
}
