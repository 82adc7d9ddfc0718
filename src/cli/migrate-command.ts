import type { Config } from '../config.js';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrations/index.js';

/** `healthcode migrate`: brings the database schema up to date. */
export async function migrateCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const cfg = config();
  const store = await openDatabase(cfg.database);
  try {
    const applied = await migrateToLatest(store);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await store.close();
  }
}
