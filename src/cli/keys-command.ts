import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { isRegionCode } from '../domain/regions.js';
import { createLogger } from '../logging.js';
import { keyBackupCommand } from './key-backup-command.js';
import { openServices } from './server.js';

/**
 * `--kid K` joined into `--kid=K`: a key id is base64url and one in 64 begins with '-', which the
 * argument parser would otherwise take for an option, refusing a revocation when it is most urgent.
 */
function withKidJoined(args: string[]): string[] {
  const i = args.indexOf('--kid');
  return i >= 0 && i + 1 < args.length ? [...args.slice(0, i), `--kid=${args[i + 1]}`, ...args.slice(i + 2)] : args;
}

/** `healthcode keys rotate|revoke|rotate-hub|backup|restore`: the signing keys and the districts' data keys. */
export async function keysCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  if (args[0] === 'backup' || args[0] === 'restore') return keyBackupCommand(args[0], args.slice(1), config(), new Date(), fail);
  const { positionals, values } = parseArgs({ args: withKidJoined(args), allowPositionals: true, options: { region: { type: 'string' }, kid: { type: 'string' } } });
  if (positionals[0] === 'revoke') {
    if (!values.kid || !/^[A-Za-z0-9_-]{11}$/.test(values.kid)) fail(`--kid: must be a key id (11 base64url characters, as the trust list shows), got '${values.kid ?? ''}'`);
    const opened = await openServices(config(), createLogger('warn'));
    try {
      const revoked = await opened.services.keys.revoke(values.kid);
      process.stdout.write(`revoked ${revoked.kid} of ${revoked.region}${revoked.replacedBy ? `; ${revoked.replacedBy} signs from now on` : ''}\n`);
    } finally {
      await opened.close();
    }
    return;
  }
  if (positionals[0] === 'rotate-hub') {
    const opened = await openServices(config(), createLogger('warn'));
    try {
      if (!opened.services.hub.enabled) fail('keys rotate-hub: this operator is not the national hub (HEALTHCODE_HUB=on)');
      const rotated = await opened.services.keys.rotateHub();
      const sequence = await opened.services.hub.publish();
      process.stdout.write(`hub key ${rotated.publicKey}\n`);
      process.stderr.write(
        `new hub key ${rotated.kid} signs national list ${sequence} on; ${rotated.retired.length ? `${rotated.retired.join(', ')} signs nothing more` : 'no earlier hub key'}.\n` +
          'Every member: set HEALTHCODE_HUB_KEY to the key above and restart; its scanners take the new key from it at their next sync.\n' +
          'Until then a member refuses the new lists and keeps its last good one until it expires (24 hours).\n',
      );
    } finally {
      await opened.close();
    }
    return;
  }
  if (positionals[0] !== 'rotate') fail('keys: the command is `keys rotate --region R`, `keys revoke --kid K`, `keys rotate-hub`, `keys backup --out FILE` or `keys restore --from FILE`');
  if (!values.region || !isRegionCode(values.region)) fail(`--region: must be a GB/T 2260 code, got '${values.region ?? ''}'`);
  const opened = await openServices(config(), createLogger('warn'));
  try {
    const { kid, retired } = await opened.services.keys.rotate(values.region);
    process.stdout.write(`new key ${kid} for ${values.region}; ${retired.length ? `${retired.join(', ')} stays in the trust list until its codes expire` : 'no earlier key'}\n`);
  } finally {
    await opened.close();
  }
}
