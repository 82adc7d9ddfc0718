import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { dataKeyCheck, DataKeyMismatchError, loadOrCreateDataKeyFile } from '../privacy/data-key.js';
import { FieldCipher } from '../privacy/field-cipher.js';
import { FileRegionKeys, RegionKeyShreddedError, RegionKeys } from '../privacy/region-keys.js';
import type { DatabaseHandle } from '../store/database.js';
import { DataKeyCheckStore } from '../store/data-key-check-store.js';
import { ResidentsStore } from '../store/residents/residents-store.js';

const FIX = 'restore the key file from your backup, or set HEALTHCODE_DATA_KEY to the key the database was set up with';

/**
 * The data key for this database, refusing any other. A fresh data directory pointed at an existing
 * database would otherwise make a new key: every stored name, ID number and phone unreadable, and
 * the same people registered twice. A database set up before the check existed is tested by
 * decrypting one resident's name.
 */
export async function dataKeyFor(config: Config, store: DatabaseHandle, logger: Logger, now: number): Promise<Buffer> {
  const checks = new DataKeyCheckStore(store.db);
  const recorded = await checks.get();
  let key = config.dataKey;
  if (!key) {
    if (recorded && !existsSync(config.dataKeyFile)) {
      throw new DataKeyMismatchError(`the database's personal data is encrypted under data key ${recorded.keyId}, and ${config.dataKeyFile} does not exist; ${FIX}. Starting with a new key would make that data unreadable.`);
    }
    const file = loadOrCreateDataKeyFile(config.dataKeyFile);
    if (file.created) logger.warn({ path: config.dataKeyFile }, 'generated a new data key; back it up: without it the personal data cannot be read');
    key = file.key;
  }
  const check = dataKeyCheck(key);
  if (recorded) {
    if (recorded.checkValue !== check.checkValue) {
      throw new DataKeyMismatchError(`the data key given (id ${check.keyId}) is not the one the database was set up with (id ${recorded.keyId}); ${FIX}.`);
    }
    return key;
  }
  // Residents' data is sealed under district keys wrapped by this key: a wrong key cannot unwrap them.
  const residents = new ResidentsStore(store.db, new FieldCipher(key, RegionKeys.underMasterKey(new FileRegionKeys(config.regionKeyDir), key)));
  const someone = await residents.anyId();
  if (someone !== undefined) {
    try {
      await residents.findById(someone);
    } catch (error) {
      // A district key missing is not a wrong data key: the start-up check names it.
      if (error instanceof RegionKeyShreddedError) return key;
      throw new DataKeyMismatchError(`the data key given (id ${check.keyId}) cannot read the personal data already in the database; ${FIX}.`);
    }
  }
  const stored = await checks.record(check, now);
  if (stored.checkValue !== check.checkValue) throw new DataKeyMismatchError(`another server set up this database with data key ${stored.keyId} a moment ago; ${FIX}.`);
  return key;
}
