import { sql, type Kysely, type Migration } from 'kysely';
import { lockIn, type DatabaseHandle } from '../database.js';
import * as foundation from './0001-foundation.js';
import * as rulesAndCodes from './0002-rules-and-codes.js';
import * as checkpointsAndTracing from './0003-checkpoints-and-tracing.js';
import * as scansPartitionedByDay from './0004-scans-partitioned-by-day.js';
import * as appeals from './0005-appeals.js';
import * as scanKeyWithTime from './0006-scan-key-with-time.js';
import * as decisionSequence from './0007-decision-sequence.js';
import * as hardening from './0008-hardening.js';
import * as currentDecision from './0009-current-decision.js';
import * as devices from './0010-devices.js';
import * as federation from './0011-federation.js';
import * as hostApps from './0012-host-apps.js';
import * as explainedDecisions from './0013-explained-decisions.js';
import * as corrections from './0014-corrections.js';
import * as sunset from './0015-sunset.js';
import * as correctionNotesOutOfDecisions from './0017-correction-notes-out-of-decisions.js';
import * as sunsetSteps from './0018-sunset-steps.js';
import * as householdClaims from './0020-household-claims.js';
import * as federationTrust from './0021-federation-trust.js';
import * as devicesAndStaffRegions from './0024-devices-and-staff-regions.js';
import * as signInTickets from './0026-sign-in-tickets.js';
import * as colourNotices from './0027-colour-notices.js';
import * as paperCards from './0028-paper-cards.js';
import * as entryPolicyDecidedWithin from './0032-entry-policy-decided-within.js';
import * as factsVersion from './0033-facts-version.js';
import * as checkInsThroughTheDay from './0035-check-ins-through-the-day.js';
import * as smsScript from './0037-sms-script.js';

/** Migrations, in order. Listed in code so the compiled and the tsx-run service see the same set. */
const MIGRATIONS: [string, Migration][] = [
  ['0001-foundation', foundation],
  ['0002-rules-and-codes', rulesAndCodes],
  ['0003-checkpoints-and-tracing', checkpointsAndTracing],
  ['0004-scans-partitioned-by-day', scansPartitionedByDay],
  ['0005-appeals', appeals],
  ['0006-scan-key-with-time', scanKeyWithTime],
  ['0007-decision-sequence', decisionSequence],
  ['0008-hardening', hardening],
  ['0009-current-decision', currentDecision],
  ['0010-devices', devices],
  ['0011-federation', federation],
  ['0012-host-apps', hostApps],
  ['0013-explained-decisions', explainedDecisions],
  ['0014-corrections', corrections],
  ['0015-sunset', sunset],
  ['0017-correction-notes-out-of-decisions', correctionNotesOutOfDecisions],
  ['0018-sunset-steps', sunsetSteps],
  ['0020-household-claims', householdClaims],
  ['0021-federation-trust', federationTrust],
  ['0024-devices-and-staff-regions', devicesAndStaffRegions],
  ['0026-sign-in-tickets', signInTickets],
  ['0027-colour-notices', colourNotices],
  ['0028-paper-cards', paperCards],
  ['0032-entry-policy-decided-within', entryPolicyDecidedWithin],
  ['0033-facts-version', factsVersion],
  ['0035-check-ins-through-the-day', checkInsThroughTheDay],
  ['0037-sms-script', smsScript],
];

/** The migrations' names in order: the last is the schema version this code knows newest. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

/**
 * Brings the schema to the latest version, each pending migration and its bookkeeping row in one
 * transaction. Kysely's own Migrator introspects every table of every schema in the database, which
 * fails when another schema is dropped at the same moment (parallel test runs, tenant clean-up);
 * this runner reads only its own table. Concurrent starters on PostgreSQL queue on an advisory lock.
 */
export async function migrateToLatest(store: DatabaseHandle): Promise<string[]> {
  const db = store.db as unknown as Kysely<{ healthcode_migrations: { name: string; applied_at: number } }>;
  try {
    return await db.transaction().execute(async (trx) => {
      if (store.engine === 'postgres') {
        await lockIn(store.engine, trx, 'migrations');
        // A migration over a large table may take long; the statement bound is for requests.
        await sql`set local statement_timeout = 0`.execute(trx);
      }
      await trx.schema
        .createTable('healthcode_migrations')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      const done = new Set((await trx.selectFrom('healthcode_migrations').select('name').execute()).map((r) => r.name));
      const applied: string[] = [];
      for (const [name, migration] of MIGRATIONS) {
        if (done.has(name)) continue;
        try {
          await migration.up(trx);
        } catch (error) {
          throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        await trx.insertInto('healthcode_migrations').values({ name, applied_at: Date.now() }).execute();
        applied.push(name);
      }
      return applied;
    });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('migration ')) throw error;
    throw new Error(`could not migrate the database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
