import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { isRegionCode } from '../domain/regions.js';
import type { ShownCount } from '../domain/small-counts.js';
import { createLogger } from '../logging.js';
import { openServices } from './server.js';

/**
 * `healthcode sunset --region R`, run by two members of the health authority, each with their own
 * credential in HEALTHCODE_STAFF_TOKEN (never on the command line, where `ps` shows it): the first
 * asks for the region's sunset, the second approves it, and it runs at once. Both are recorded. A run
 * cut short (a crash at any step) is finished by the command run again, by any member of the authority.
 */
export async function sunsetCommand(args: string[], config: Config, fail: (message: string) => never): Promise<void> {
  const { values } = parseArgs({ args, options: { region: { type: 'string' } } });
  if (!values.region || !/^\d{6}$/.test(values.region) || !isRegionCode(values.region)) fail(`--region: must be a district, city or province code (GB/T 2260), got '${values.region ?? ''}'`);
  const token = process.env.HEALTHCODE_STAFF_TOKEN;
  if (!token) fail('HEALTHCODE_STAFF_TOKEN: set it to your own health-authority staff credential (healthcode staff add --role authority)');
  const opened = await openServices(config, createLogger('warn'));
  try {
    const { services } = opened;
    const staff = await services.staff.authenticate(token, ['authority']);
    const waiting = (await services.sunset.pending()).find((s) => s.region === values.region);
    if (!waiting) {
      const asked = await services.sunset.request(staff, values.region);
      process.stdout.write(`sunset ${asked.id} of ${values.region} asked for by ${staff.name}; it runs when another member of the health authority runs this command with their own credential\n`);
      return;
    }
    if (waiting.status === 'requested') await services.sunset.approve(staff, waiting.id);
    // Approved before and not finished: a run cut short (a crash, an unmounted escrow), resumed where it stopped.
    else process.stdout.write(`resuming the sunset of ${values.region}, approved by ${waiting.approved_by}; it stopped at '${waiting.status}'\n`);
    const report = await services.sunset.run(waiting.id);
    // This command is not the server: its own HEALTHCODE_PORT need not be the one the server listens on, so without
    // a public address it names the report's path rather than guess a host and port.
    const path = `/api/v1/sunset-reports/${report.id}`;
    const where = config.operator.publicUrl ? `${config.operator.publicUrl}${path}` : `${path} on this operator's server (set HEALTHCODE_PUBLIC_URL to print its full address)`;
    process.stdout.write(
      `sunset of ${report.regionName} (${report.region}) done: ${shownText(report.residents)} residents' personal data destroyed, ${report.keysDestroyed.length} district keys destroyed\nreport: ${where}\n`,
    );
  } finally {
    await opened.close();
  }
}

/** A count as the public report shows it: exact, or its range ("1-4"). */
function shownText(count: ShownCount): string {
  return typeof count === 'number' ? String(count) : `${count.atLeast}-${count.atMost}`;
}
