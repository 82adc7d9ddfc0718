import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ScheduledJobs } from '../../src/services/scheduled-jobs.js';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { namesTheAppExports } from '../support/exported-metrics.js';
import { createHarness, describeOnEachEngine } from '../support/harness.js';
import { sampleValue, scrape } from '../support/metrics-text.js';
import { ZHANG_WEI } from '../support/people.js';
import { serve, type Running } from '../support/spawned-server.js';

const RUNBOOK = readFileSync(fileURLToPath(new URL('../../docs/runbook.md', import.meta.url)), 'utf8');
const CLI_SOURCE = readFileSync(fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url)), 'utf8');
/** What `healthcode help` prints: the usage text of src/cli/main.ts. */
const USAGE = /const USAGE = `([\s\S]*?)\nenvironment:/.exec(CLI_SOURCE)![1]!;
/** The backticked spans of the runbook: its commands and queries. */
const spans = [...RUNBOOK.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('the runbook names only what exists (docs/runbook.md)', () => {
  it('every metric its queries and its table name is one /metrics has', async () => {
    const exported = await namesTheAppExports();
    // Not a name cut short by a placeholder (the listener's channel, `healthcode_changes_<schema>`).
    const inQueries = spans.flatMap((s) => s.match(/\bhealthcode_[a-z0-9_]+(?![<a-z0-9_])/g) ?? []);
    // The table's first column names them without the common prefix: `codes_shown_total{colour, served_from}`.
    const inTable = [...RUNBOOK.matchAll(/^\| (`.+?`) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9_]+)/g)].map((n) => `healthcode_${n[1]}`));
    assert.ok(inQueries.length > 10 && inTable.length > 10, 'the runbook was read');
    for (const name of new Set([...inQueries, ...inTable])) assert.ok(exported.has(name), `the runbook names ${name}, which /metrics does not have`);
  });

  it('every address it has an operator call is a route of the service', async () => {
    const h = await createHarness('sqlite');
    try {
      const app = await h.app();
      await app.ready();
      const calls = spans.filter((s) => s.includes('$URL/')).map((s) => ({ method: /-X (\w+)/.exec(s)?.[1] ?? 'GET', url: /\$URL(\/[\w/.-]*)/.exec(s)![1]! }));
      assert.ok(calls.length >= 3, 'the runbook was read');
      for (const call of calls) assert.ok(app.hasRoute(call), `the runbook calls ${call.method} ${call.url}, which is no route`);
    } finally {
      await h.dispose();
    }
  });

  it('every healthcode command it gives is one the command line knows, with its subcommand', () => {
    const given = spans.flatMap((s) => [...s.matchAll(/\bhealthcode ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)].map((m) => ({ command: m[1]!, sub: m[2] })));
    assert.ok(given.length >= 3, 'the runbook was read');
    for (const { command, sub } of given) {
      const usage = [...USAGE.matchAll(new RegExp(`^  ${command}(?: ([a-z][a-z-]*))?`, 'gm'))].map((m) => m[1]);
      assert.ok(usage.length > 0, `the runbook gives \`healthcode ${command}\`, which is no command`);
      const subs = usage.filter((u): u is string => u !== undefined);
      if (subs.length === usage.length) assert.ok(sub !== undefined && subs.includes(sub), `the runbook gives \`healthcode ${command}${sub ? ` ${sub}` : ''}\`; the command takes one of ${subs.join(', ')}`);
    }
  });
});

describeOnEachEngine('the runbook walked: re-decisions waiting', (h) => {
  it('a resident queued longer than a minute reads as the alert does, and the minute\'s sweep takes them', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const jobs = new ScheduledJobs(h().services, h().services.logger, 28);
    await jobs.sweepDecisions();
    assert.equal(await h().ctx.stores.redecisions.size(), 0);
    const now = h().clock.now().getTime();
    await h().ctx.stores.redecisions.enqueue([id], 'risk-area', now - 5 * 60_000);
    const app = await h().app();
    const stuck = await scrape(app);
    // HealthcodeRedecisionQueueStuck: max by (job) (healthcode_redecision_queue_oldest_age_seconds) > 60
    assert.equal(sampleValue(stuck, 'healthcode_redecision_queue_oldest_age_seconds'), 300);
    assert.equal(sampleValue(stuck, 'healthcode_redecision_queue_depth'), 1);
    // What the runbook points at: the scheduled jobs' sweep, and its log line.
    await jobs.sweepDecisions();
    const swept = await scrape(app);
    assert.equal(sampleValue(swept, 'healthcode_redecision_queue_depth'), 0);
    assert.equal(sampleValue(swept, 'healthcode_redecision_queue_oldest_age_seconds'), 0);
    assert.ok(h().logs.some((l) => l.includes('"msg":"scheduled re-decision"')), 'the log line the runbook names');
  });
});

/** The change-feed section on a real server: its listener's backend terminated, as a failover or a proxy does. */
describe('the runbook walked: change-feed listener down', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among HEALTHCODE_TEST_ENGINES' }, () => {
  const schema = `hc_runbook_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  let dataDir: string;
  let server: Running;

  before(async () => {
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-runbook-'));
    // As the runbook advises: the instance's own application_name, to find its backends.
    server = await serve(dataDir, { HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_VERIFY_THREADS: '0', HEALTHCODE_DATABASE_URL: `${postgresUrlInSchema(schema)}&application_name=${schema}`, HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') }, undefined, [], 180_000);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The runbook's query for the listener, narrowed to this server. */
  const listener = async () =>
    (await admin.query<{ pid: number; backend_start: Date }>("select pid, application_name, backend_start, state from pg_stat_activity where query like 'listen %' and application_name = $1", [schema])).rows;
  const metrics = async () => (await fetch(`${server.url}/metrics`)).text();

  it('shows the listener lost and back in the figures and the log the runbook names, and the runbook\'s query finds it', async () => {
    const [before] = await listener();
    assert.ok(before, 'the runbook\'s query finds the listener');
    const first = await metrics();
    assert.equal(sampleValue(first, 'healthcode_change_feed_up'), 1);
    const reconnects = sampleValue(first, 'healthcode_change_feed_reconnects_total');

    await admin.query('select pg_terminate_backend($1)', [before.pid]);
    let text = first;
    const deadline = Date.now() + 30_000;
    while (sampleValue(text, 'healthcode_change_feed_reconnects_total') === reconnects && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await metrics();
    }
    assert.equal(sampleValue(text, 'healthcode_change_feed_reconnects_total'), reconnects + 1);
    while (sampleValue(text, 'healthcode_change_feed_up') !== 1 && Date.now() < deadline) text = await metrics();
    assert.equal(sampleValue(text, 'healthcode_change_feed_up'), 1, 'back by itself');
    assert.ok(server.lines.some((l) => l.includes('a database connection failed; the pool reconnects')), 'the log line the runbook names');
    const [after] = await listener();
    assert.ok(after && after.pid !== before.pid && after.backend_start > before.backend_start, 'a recent backend_start: a listener that reconnected');
  });
});
