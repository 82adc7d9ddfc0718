import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { openServices } from './server.js';

/** `healthcode federation identity|add-member`: this operator among the others, and a hub's members. */
export async function federationCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { id: { type: 'string' }, name: { type: 'string' }, regions: { type: 'string' }, url: { type: 'string' }, contact: { type: 'string' }, key: { type: 'string' } },
  });
  const opened = await openServices(config(), createLogger('warn'));
  try {
    if (positionals[0] === 'identity') {
      const { id, name, regions } = opened.services.settings.operator ?? { id: 'local', name: 'local', regions: [] };
      const key = await opened.services.keys.operatorKey();
      process.stdout.write(`operator ${id} (${name}) serving ${regions.join(',')}\noperator key ${Buffer.from(key.publicKey).toString('base64url')}\n`);
      if (opened.services.hub.enabled) process.stdout.write(`hub key ${Buffer.from((await opened.services.keys.hubKey()).publicKey).toString('base64url')}\n`);
    } else if (positionals[0] === 'add-member') {
      const member = await opened.services.hub.addMember({
        id: values.id ?? '',
        name: values.name ?? '',
        regions: (values.regions ?? '').split(',').filter((r) => r !== ''),
        url: values.url ?? '',
        contact: values.contact ?? '',
        operatorKey: values.key,
      });
      process.stdout.write(`member ${member.id} registered for ${member.regions.join(',')}; its list is fetched at the next refresh\n`);
    } else {
      fail('federation: the command is `federation identity` or `federation add-member …`');
    }
  } finally {
    await opened.close();
  }
}
