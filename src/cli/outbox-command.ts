import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { checkMobileNumber } from '../domain/phone.js';
import { createLogger } from '../logging.js';
import { FieldCipher } from '../privacy/field-cipher.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations/index.js';
import { OutboxStore } from '../store/residents/outbox-store.js';
import { dataKeyFor } from './data-key-guard.js';

/** `healthcode outbox [--phone P] [--limit N]`: the SMS outbox of the default provider (sign-in codes). */
export async function outboxCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const { values } = parseArgs({ args, options: { phone: { type: 'string' }, limit: { type: 'string', default: '20' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) fail(`--limit: must be a whole number from 1 to 1000, got '${values.limit}'`);
  let phone: string | undefined;
  if (values.phone !== undefined) {
    const checked = checkMobileNumber(values.phone);
    if (!checked.ok) fail(`--phone: ${checked.message}`);
    phone = checked.value;
  }
  const cfg = config();
  const store = await openDatabase(cfg.database);
  try {
    await migrateToLatest(store);
    const key = await dataKeyFor(cfg, store, createLogger('warn'), Date.now());
    const messages = await new OutboxStore(store.db, new FieldCipher(key, RegionKeys.underMasterKey(new FileRegionKeys(cfg.regionKeyDir), key))).list(limit, phone);
    if (messages.length === 0) process.stdout.write('the outbox is empty\n');
    for (const m of messages) process.stdout.write(`${new Date(m.createdAt).toISOString()}  ${m.channel}  ${m.recipient}  ${m.body}\n`);
  } finally {
    await store.close();
  }
}
