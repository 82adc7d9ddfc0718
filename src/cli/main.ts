#!/usr/bin/env node
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../config.js';
import { IMPORT_KINDS } from '../domain/decisions/authority-records.js';
import { STAFF_ROLES } from '../services/staff-service.js';
import { auditCommand } from './audit-command.js';
import { backupCommand } from './backup-command.js';
import { federationCommand } from './federation-command.js';
import { hostAppsCommand } from './host-apps-command.js';
import { importCommand } from './import-command.js';
import { keysCommand } from './keys-command.js';
import { migrateCommand } from './migrate-command.js';
import { outboxCommand } from './outbox-command.js';
import { purgeCommand } from './purge-command.js';
import { restoreCommand } from './restore-command.js';
import { serveCommand } from './serve-command.js';
import { staffCommand } from './staff-command.js';
import { sunsetCommand } from './sunset-command.js';

const USAGE = `usage: healthcode <command>

commands:
  serve [--workers N]        start the HTTP service (what npm start runs); with PostgreSQL, N processes share the port
  migrate                    bring the database schema up to date
  outbox [--phone P] [--limit N]
                             read the SMS outbox of the default provider (sign-in codes)
  import KIND FILE           import authority data (${IMPORT_KINDS.join(', ')}) from .ndjson or .csv
  keys rotate --region R     make a new signing key for region R; the old one stays trusted until its codes expire
  keys revoke --kid K        distrust a leaked code key at once, here and (through the trust lists) everywhere
  keys backup --out FILE     back the districts' data keys up, each sealed under its entry in HEALTHCODE_KEY_ESCROW
                             (a region's sunset destroys its entries: no backup opens its keys after it)
  keys restore --from FILE   put the districts' keys of a backup back (not after its expiry, nor a sunset's)
  keys rotate-hub            on a hub: a new key for the national list; prints it for members' HEALTHCODE_HUB_KEY
  host-apps add --name N --redirect-uri U [--redirect-uri U2] --scopes S,S
                             register a host app (OAuth public client with PKCE); prints its client id
  federation identity        print this operator's id, regions and public keys (give the operator key to the hub)
  federation add-member --id ID --name N --regions R,R --url U --contact C --key K
                             on a hub: register a member operator with its pinned key
  purge                      delete scans and check-ins older than HEALTHCODE_RETENTION_DAYS (the server also does this daily)
  backup --out DIR           copy the database and the districts' keys together, with a manifest (sha256, schema, expiry)
  restore --from DIR [--replace]
                             restore such a backup into an empty data directory and database (not altered, expired,
                             newer, of another data key, or holding a region whose sunset ran since)
  audit verify               check the audit log's hash chain; exits 1 if an entry was edited or deleted
  sunset --region R          destroy a region's personal data at the end of the epidemic response: run once by
                             one authority (asks) and once by another (approves, and it runs); each with
                             their own credential in HEALTHCODE_STAFF_TOKEN
  staff add --name N --role R [--region R]
                             create a staff credential (${STAFF_ROLES.join(', ')}), for one district,
                             city or province or all this operator serves; the token is printed once
  help                       this text and the environment variables

environment:
${Object.entries(CONFIG_VARIABLES)
  .map(([name, text]) => `  ${name.padEnd(28)} ${text}`)
  .join('\n')}
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`healthcode: ${message}\n`);
  process.exit(code);
}

function config(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest, config, fail);
    case 'migrate':
      return migrateCommand(rest, config, fail);
    case 'outbox':
      return outboxCommand(rest, config, fail);
    case 'import':
      return importCommand(rest, config, fail);
    case 'keys':
      return keysCommand(rest, config, fail);
    case 'staff':
      return staffCommand(rest, config, fail);
    case 'federation':
      return federationCommand(rest, config, fail);
    case 'host-apps':
      return hostAppsCommand(rest, config, fail);
    case 'purge':
      return purgeCommand(rest, config, fail);
    case 'audit':
      return auditCommand(rest, config, fail);
    case 'backup':
      return backupCommand(rest, config(), new Date(), fail);
    case 'restore':
      return restoreCommand(rest, config(), new Date(), fail);
    case 'sunset':
      return sunsetCommand(rest, config(), fail);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(command === undefined ? USAGE : `healthcode: unknown command '${command}'\n\n${USAGE}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error), 1);
});
