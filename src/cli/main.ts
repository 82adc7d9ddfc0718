#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../config.js';
import { checkMobileNumber } from '../domain/phone.js';
import { createLogger } from '../logging.js';
import { FieldCipher } from '../privacy/field-cipher.js';
import { FileRegionKeys, RegionKeys } from '../privacy/region-keys.js';
import { openStore } from '../store/database.js';
import { migrateToLatest } from '../store/migrations/index.js';
import { OutboxStore } from '../store/outbox-store.js';
import { createReadStream, existsSync } from 'node:fs';
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import { IMPORT_KINDS, type ImportKind } from '../domain/authority-records.js';
import { isRegionCode } from '../domain/regions.js';
import { parseImport } from '../services/import-parsing.js';
import { STAFF_ROLES, type StaffRole } from '../services/staff-service.js';
import { dataKeyFor } from './data-key-guard.js';
import { runPrimary, workerIndex } from './cluster.js';
import { openServices, startServer } from './server.js';
import { keyBackupCommand } from './key-backup-command.js';
import { sunsetCommand } from './sunset-command.js';
import { systemClock } from '../domain/clock.js';

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

/** Most workers `serve` forks: more processes than that only queue for the same cores. */
const MAX_WORKERS = 64;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } } });
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!/^\d+$/.test(values.workers ?? '1') || workers < 1 || workers > MAX_WORKERS) fail(`--workers: must be a whole number from 1 to ${MAX_WORKERS}, got '${values.workers}'`);
  const cfg = config();
  if (workers > 1 && cfg.database.kind === 'sqlite') {
    fail('--workers: SQLite is served by one process (its caches are kept true within it); set HEALTHCODE_DATABASE_URL to a PostgreSQL database to serve from several');
  }
  const logger = createLogger(cfg.logLevel);
  const index = workerIndex();
  if (workers > 1 && index === undefined) return runPrimary(cfg, logger, workers);
  if (cfg.mode === 'development' && index === undefined) {
    logger.warn(
      { host: cfg.host },
      'development mode: anyone who reaches this server can read sign-in codes at /api/v1/dev/outbox, so it listens on loopback only; set HEALTHCODE_MODE=production to serve other machines',
    );
  }
  const server = await startServer(cfg, logger, systemClock, index === undefined ? {} : { demoData: false, scheduledJobs: index === 0 });
  if (index === undefined) {
    logger.info({ url: server.url, docs: `${server.url}/docs`, engine: server.store.engine, mode: cfg.mode }, `healthcode is running: open ${server.url}/ (API docs at ${server.url}/docs)`);
  } else {
    logger.info({ worker: index, pid: process.pid }, 'worker listening');
    process.send?.({ ready: server.url });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // The primary's word after a signal of one's own (a process group signalled) is not a second signal.
      if (signal === 'shutdown') return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      logger.error({ graceSeconds: cfg.shutdownGraceSeconds }, 'requests did not finish in time; exiting');
      process.exit(1);
    }, cfg.shutdownGraceSeconds * 1000);
    timer.unref();
    await server.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  if (index === undefined) process.once('SIGINT', () => void stop('SIGINT'));
  else {
    // A cluster's primary tells its workers when to stop; a terminal's Ctrl-C reaches them too, and is left to it.
    process.on('SIGINT', () => undefined);
    process.on('message', (message) => {
      if (message === 'shutdown') void stop('shutdown');
    });
  }
}

async function migrate(): Promise<void> {
  const cfg = config();
  const store = await openStore(cfg.database);
  try {
    const applied = await migrateToLatest(store);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await store.close();
  }
}

async function outbox(args: string[]): Promise<void> {
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
  const store = await openStore(cfg.database);
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

async function importFile(args: string[]): Promise<void> {
  const [kind, file] = args;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) fail(`import: KIND must be one of ${IMPORT_KINDS.join(', ')}`);
  if (!file || !existsSync(file)) fail(`import: FILE '${file ?? ''}' does not exist`);
  const format = extname(file).toLowerCase() === '.csv' ? 'csv' : 'ndjson';
  const opened = await openServices(config(), createLogger('warn'));
  const bar = new cliProgress.SingleBar({ format: `${kind} {bar} {value} rows | {duration}s`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  try {
    bar.start(0, 0);
    const report = await opened.services.authority.import(kind as ImportKind, parseImport(format, createReadStream(file)), (rows) => {
      bar.setTotal(rows);
      bar.update(rows);
    });
    bar.stop();
    process.stdout.write(`${report.rows} rows: ${report.accepted} imported, ${report.unchanged} already there, ${report.invalid.length} invalid, ${report.unmatched.length} unmatched; ${report.redecided} residents re-decided, ${report.colourChanges} changed colour, ${report.notified} phones texted\n`);
    for (const e of report.invalid) process.stdout.write(`  line ${e.line}: ${e.field}: ${e.message}\n`);
    for (const u of report.unmatched) process.stdout.write(`  line ${u.line}: no registered resident matches\n`);
  } finally {
    bar.stop();
    await opened.close();
  }
}

/**
 * `--kid K` joined into `--kid=K`: a key id is base64url and one in 64 begins with '-', which the
 * argument parser would otherwise take for an option, refusing a revocation when it is most urgent.
 */
function withKidJoined(args: string[]): string[] {
  const i = args.indexOf('--kid');
  return i >= 0 && i + 1 < args.length ? [...args.slice(0, i), `--kid=${args[i + 1]}`, ...args.slice(i + 2)] : args;
}

async function keys(args: string[]): Promise<void> {
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

async function federation(args: string[]): Promise<void> {
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

async function hostApps(args: string[]): Promise<void> {
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

async function staff(args: string[]): Promise<void> {
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

async function purge(): Promise<void> {
  const cfg = config();
  const opened = await openServices(cfg, createLogger('warn'));
  try {
    const deleted = await opened.services.scans.purge(cfg.retentionDays);
    process.stdout.write(`deleted ${deleted.scans} scans and ${deleted.checkIns} check-ins older than ${cfg.retentionDays} days\n`);
  } finally {
    await opened.close();
  }
}

async function audit(args: string[]): Promise<void> {
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

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'migrate':
      return migrate();
    case 'outbox':
      return outbox(rest);
    case 'import':
      return importFile(rest);
    case 'keys':
      return keys(rest);
    case 'staff':
      return staff(rest);
    case 'federation':
      return federation(rest);
    case 'host-apps':
      return hostApps(rest);
    case 'purge':
      return purge();
    case 'audit':
      return audit(rest);
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
