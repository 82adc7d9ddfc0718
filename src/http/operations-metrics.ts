import { Counter, Gauge, type Aggregator, type Registry } from 'prom-client';
import type { OperationsFigures } from '../services/operations-service.js';
import type { Services } from '../services/services.js';
import { limitsOf } from '../services/context.js';

/**
 * Gauges of states that need a query (queue, sunsets, federation), read once per scrape through
 * prom-client's collect(), never on a resident's request. Every gauge's collect() of one scrape
 * starts in the same tick, so they share one read of the figures.
 *
 * With several workers each reads the same database: the figures of the database are taken once
 * (`max`, not added up), and those of the process itself (its change-feed listener, its pool) carry
 * `processLabels` (the worker's index) so each worker's stays apart. `limitsShared`: request limits
 * are counted together (Redis), rather than by each process on its own.
 */
export function installOperationsGauges(registry: Registry, services: Services, { processLabels, limitsShared }: { processLabels: Record<string, string>; limitsShared: boolean }, onError: (error: Error) => void): void {
  let pending: Promise<OperationsFigures | undefined> | undefined;
  const figures = () =>
    (pending ??= services.operations
      .figures()
      .catch((error: Error) => {
        onError(error);
        return undefined;
      })
      // Cleared as soon as it is read: every collect() of a scrape has taken it by then (prom-client
      // calls them in one synchronous loop), and a later scrape must read afresh. Cleared on the
      // next macrotask instead, two scrapes with only promises between them (SQLite's synchronous
      // queries) shared the first one's figures.
      .finally(() => (pending = undefined)));
  let reconnectsSeen = 0;
  const processLabelNames = Object.keys(processLabels);
  /** A gauge set from the figures; left without a value when they cannot be read (the database is down). */
  const gauge = (name: string, help: string, read: (f: OperationsFigures, g: Gauge) => void, labelNames: string[] = [], aggregator: Aggregator = 'max') =>
    new Gauge({
      name,
      help,
      labelNames,
      aggregator,
      registers: [registry],
      async collect() {
        const f = await figures();
        this.reset();
        if (f) read(f, this);
      },
    });

  gauge('healthcode_redecision_queue_depth', 'Residents waiting to have their colour decided again after a change of facts', (f, g) => g.set(f.redecisionQueue.depth));
  gauge('healthcode_redecision_queue_oldest_age_seconds', 'How long the resident waiting longest for a re-decision has waited (0: nobody waits)', (f, g) =>
    g.set(f.redecisionQueue.oldestQueuedAt === null ? 0 : Math.max(0, (services.clock.now().getTime() - f.redecisionQueue.oldestQueuedAt) / 1000)),
  );
  gauge('healthcode_sunsets_pending', 'Region sunsets requested or under way, not yet done', (f, g) => g.set(f.sunsetsPending));
  gauge('healthcode_identity_reclaims_pending', 'Identity reclaims waiting for staff (pending or proposed)', (f, g) => g.set(f.reclaimsPending));
  gauge('healthcode_change_feed_up', 'Whether this process hears every change other processes make (1), or its listener is reconnecting and caches do not answer (0)', (f, g) => g.set(processLabels, f.changeFeed.upToDate ? 1 : 0), processLabelNames, 'sum');
  new Counter({
    name: 'healthcode_change_feed_reconnects_total',
    help: 'Times the change-feed listener connected again after losing its connection (PostgreSQL)',
    labelNames: processLabelNames,
    registers: [registry],
    async collect() {
      // Follows the feed's own count, which only grows.
      const seen = (await figures())?.changeFeed.reconnects ?? reconnectsSeen;
      this.inc(processLabels, Math.max(0, seen - reconnectsSeen));
      reconnectsSeen = Math.max(reconnectsSeen, seen);
    },
  });
  gauge('healthcode_database_pool_connections', 'PostgreSQL pool connections by state (in_use, idle) and queries waiting for one (waiting); absent on SQLite', (f, g) => {
    if (!f.pool) return;
    g.set({ state: 'in_use' }, f.pool.inUse);
    g.set({ state: 'idle' }, f.pool.size - f.pool.inUse);
    g.set({ state: 'waiting' }, f.pool.waiting);
    // Each worker has its own pool: added up, they are what PostgreSQL's max_connections must hold.
  }, ['state'], 'sum');
  gauge('healthcode_federation_member_fresh', 'On the hub: whether a member operator\'s trust list was fetched in the last two rounds (1) or is stale (0)', (f, g) => {
    for (const m of f.members) g.set({ member: m.id }, m.fresh ? 1 : 0);
  }, ['member']);
  gauge('healthcode_federation_member_trust_list_age_seconds', 'On the hub: how long ago a member operator\'s trust list was last fetched and taken (absent: never)', (f, g) => {
    const now = services.clock.now().getTime();
    for (const m of f.members) if (m.lastSuccessAt !== null) g.set({ member: m.id }, Math.max(0, (now - m.lastSuccessAt) / 1000));
  }, ['member']);
  gauge('healthcode_national_list_sequence', 'Sequence of the national trust list held (published on the hub, fetched on a member)', (f, g) => {
    if (f.nationalList) g.set(f.nationalList.sequence);
  });
  gauge('healthcode_national_list_expiry_timestamp_seconds', 'When the national trust list held expires: past it, visitors\' codes cannot be checked', (f, g) => {
    if (f.nationalList) g.set(f.nationalList.expiresAt / 1000);
  });
  // Workers counting in memory each send up to the limit: added up, that is what the service may send.
  new Gauge({
    name: 'healthcode_sms_sign_in_codes_limit_per_minute',
    help: 'Sign-in codes the service may send in all each minute (HEALTHCODE_LIMIT_SIGN_IN_TOTAL; with several workers and no Redis, each counts its own)',
    aggregator: limitsShared ? 'max' : 'sum',
    registers: [registry],
  }).set(limitsOf(services).signInCodesPerMinute);
}
