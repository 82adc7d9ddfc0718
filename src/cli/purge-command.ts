import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { openServices } from './server.js';

/** `healthcode purge`: deletes scans and check-ins past the retention period. */
export async function purgeCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const cfg = config();
  const opened = await openServices(cfg, createLogger('warn'));
  try {
    const deleted = await opened.services.scans.purge(cfg.retentionDays);
    process.stdout.write(`deleted ${deleted.scans} scans and ${deleted.checkIns} check-ins older than ${cfg.retentionDays} days\n`);
  } finally {
    await opened.close();
  }
}
