import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { STAFF_ROLES, type StaffRole } from '../services/staff-service.js';
import { openServices } from './server.js';

/** `healthcode staff add`: a staff credential, its token printed once. */
export async function staffCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, region: { type: 'string' } } });
  if (positionals[0] !== 'add') fail('staff: the command is `staff add --name N --role R [--region R]`');
  if (values.region !== undefined && !/^\d{6}$/.test(values.region)) fail('--region: give the district, city or province this person answers for, as its six-digit code (330110)');
  if (!values.name || values.name.trim() === '' || values.name.length > 100) fail('--name: give the name of the person or office, up to 100 characters');
  if (!values.role || !(STAFF_ROLES as readonly string[]).includes(values.role)) fail(`--role: must be one of ${STAFF_ROLES.join(', ')}`);
  const opened = await openServices(config(), createLogger('warn'));
  try {
    const created = await opened.services.staff.create(values.name, values.role as StaffRole, values.region ?? null);
    process.stdout.write(`${created.token}\n`);
    process.stderr.write(`credential for ${created.name} (${created.role}, ${created.region ?? 'every region this operator serves'}); the token above is shown once: keep it safe\n`);
  } finally {
    await opened.close();
  }
}
