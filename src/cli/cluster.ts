import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ClusterMetrics, METRICS_MESSAGES } from './cluster-metrics.js';
import { CLOSE_SECONDS, loadDemoDataIfDue, openServices } from './server.js';

/** The environment variable telling a forked worker its place; worker 0 runs the scheduled jobs. */
export const WORKER_INDEX_VARIABLE = 'HEALTHCODE_WORKER_INDEX';

/** A worker that dies sooner than this after it started is restarted after a pause, not at once. */
const QUICK_DEATH_MS = 10_000;
const RESTART_PAUSE_MS = 1000;

export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(process.env[WORKER_INDEX_VARIABLE]);
  return Number.isInteger(index) && index >= 0 ? index : undefined;
}

/**
 * `serve --workers N`: node:cluster's primary prepares the database once (migrations, data key,
 * default rules, demo data), then forks N workers that share one port and accept from it themselves. Workers learn of each other's changes through PostgreSQL LISTEN/NOTIFY. A worker
 * that dies is replaced; SIGTERM or SIGINT stops every worker gracefully, then the primary.
 */
export async function runPrimary(config: Config, logger: Logger, workers: number): Promise<void> {
  const opened = await openServices(config, logger, undefined, { ensureKeys: true });
  try {
    await loadDemoDataIfDue(config, logger, opened.services, opened.store, opened.fresh);
  } finally {
    await opened.close();
  }

  // Workers accept connections themselves from the shared socket. With round robin the primary
  // accepts and hands each connection over; one handed to a worker as it dies is never answered nor
  // closed (the client hangs until its own timeout), and the primary becomes one more hop per connection.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  if (config.redisUrl === undefined) {
    logger.warn({ workers }, `request limits are counted by each worker on its own (no HEALTHCODE_REDIS_URL): the service as a whole allows up to ${workers} times each limit, sign-in codes sent included`);
  }
  const indexes = new Map<number, { index: number; startedAt: number }>();
  const listening = new Set<number>();
  let announced = false;
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(index) });
    indexes.set(worker.id, { index, startedAt: Date.now() });
  };

  // /metrics, whichever worker a scrape reaches, answers the whole service's figures: that worker
  // asks here, and the primary gathers every listening worker's.
  const metrics = new ClusterMetrics();
  cluster.on('message', (worker: Worker, message: unknown) => {
    const index = indexes.get(worker.id)?.index;
    if (index === undefined) return;
    metrics.received(index, message);
    const ask = message as { type?: unknown; id?: unknown } | null;
    if (ask?.type === METRICS_MESSAGES.ask && typeof ask.id === 'number') {
      const id = ask.id;
      metrics.gather().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_MESSAGES.answer, id, text }),
        (error: Error) => worker.isConnected() && worker.send({ type: METRICS_MESSAGES.answer, id, error: error.message }),
      );
    }
  });

  // A worker says it is ready once it listens and has started what it runs (see main.ts).
  cluster.on('message', (worker: Worker, message: unknown) => {
    const url = (message as { ready?: string } | null)?.ready;
    if (typeof url !== 'string') return;
    const index = indexes.get(worker.id)?.index ?? -1;
    metrics.joined({ index, send: (m) => worker.isConnected() && worker.send(m as object) });
    listening.add(index);
    if (announced || listening.size < workers) return;
    announced = true;
    logger.info({ url, docs: `${url}/docs`, engine: config.database.kind, mode: config.mode, workers }, `healthcode is running: open ${url}/ (API docs at ${url}/docs)`);
  });
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const started = indexes.get(worker.id);
    indexes.delete(worker.id);
    if (started !== undefined) metrics.left(started.index);
    if (stopping || started === undefined) return;
    const quick = Date.now() - started.startedAt < QUICK_DEATH_MS;
    logger.error({ worker: started.index, pid: worker.process.pid, code, signal }, 'a worker died; starting another in its place');
    setTimeout(() => fork(started.index), quick ? RESTART_PAUSE_MS : 0);
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainSeconds: config.drainSeconds }, 'draining: every worker answers the requests it has received, taking no new connections');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send('shutdown');
    // Each worker cuts what is left at the bound and exits; this only catches one that cannot.
    const bound = setTimeout(() => {
      logger.error({ drainSeconds: config.drainSeconds }, 'workers did not stop in time; exiting');
      process.exit(1);
    }, (config.drainSeconds + CLOSE_SECONDS + 2) * 1000);
    bound.unref();
    const exited = () => {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      logger.info('stopped');
      process.exit(0);
    };
    // A worker leaves cluster.workers once it has both exited and disconnected, in either order.
    cluster.on('exit', exited);
    cluster.on('disconnect', exited);
    exited();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let index = 0; index < workers; index += 1) fork(index);
}
