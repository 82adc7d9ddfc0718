import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { openServices } from './server.js';

/** `healthcode audit verify`: checks the audit log's hash chain. */
export async function auditCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  if (args[0] !== 'verify') fail('audit: the command is `audit verify`');
  const opened = await openServices(config(), createLogger('warn'));
  try {
    const result = await opened.services.audit.verify();
    if (result.problem) {
      process.stdout.write(`audit log BROKEN at entry ${result.firstBroken}: ${result.problem} (${result.entries} entries)\n`);
      process.exitCode = 1;
    } else process.stdout.write(`audit log intact: ${result.entries} entries\n`);
  } finally {
    await opened.close();
  }
}
