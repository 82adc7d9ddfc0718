import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { openServices } from './server.js';

/** `healthcode host-apps add`: registers a host app (an OAuth public client with PKCE). */
export async function hostAppsCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true }, scopes: { type: 'string' } } });
  if (positionals[0] !== 'add') fail('host-apps: the command is `host-apps add --name N --redirect-uri U --scopes code:read,travel-card:read`');
  const opened = await openServices(config(), createLogger('warn'));
  try {
    const { clientId } = await opened.services.hostApps.register({ name: values.name ?? '', redirectUris: values['redirect-uri'] ?? [], scopes: (values.scopes ?? '').split(',').filter((s) => s !== '') });
    process.stdout.write(`${clientId}\n`);
    process.stderr.write(`host app ${values.name} registered; it signs residents in at <public URL>/oauth with PKCE\n`);
  } finally {
    await opened.close();
  }
}
