import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { createLogger, stdoutInBackground } from '../logging.js';
import { runPrimary, workerIndex } from './cluster.js';
import { workerMetrics } from './cluster-metrics.js';
import { holdServing, unfinishedRestore, unfinishedRestoreMessage } from './restore-guards.js';
import { CLOSE_SECONDS, startServer } from './server.js';

/** Most workers `serve` forks: more processes than that only queue for the same cores. */
const MAX_WORKERS = 64;

/** A worker's IPC channel to its primary. */
const processChannel = {
  send: (message: unknown) => void process.send?.(message),
  onMessage: (listener: (message: unknown) => void) => void process.on('message', listener),
};

/** `healthcode serve [--workers N]`: the HTTP service, in one process or, with PostgreSQL, N sharing the port. */
export async function serveCommand(args: string[], config: () => Config, fail: (message: string) => never): Promise<void> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } } });
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!/^\d+$/.test(values.workers ?? '1') || workers < 1 || workers > MAX_WORKERS) fail(`--workers: must be a whole number from 1 to ${MAX_WORKERS}, got '${values.workers}'`);
  const cfg = config();
  if (workers > 1 && cfg.database.kind === 'sqlite') {
    fail('--workers: SQLite is served by one process (its caches are kept true within it); set HEALTHCODE_DATABASE_URL to a PostgreSQL database to serve from several');
  }
  const index = workerIndex();
  // A worker's lines say which worker wrote them: they share the primary's output.
  const logger = createLogger(cfg.logLevel, stdoutInBackground(), index === undefined ? {} : { worker: index });
  if (workers > 1 && index === undefined) {
    // The workers each hold the serving lock; the primary only refuses a restore cut short before forking them.
    const unfinished = unfinishedRestore(cfg.dataDir);
    if (unfinished) fail(unfinishedRestoreMessage(cfg.dataDir, unfinished));
    return runPrimary(cfg, logger, workers);
  }
  // Held for the process's life: a restore refuses while it is, and serve refuses a restore cut short.
  await holdServing(cfg).catch((error: Error) => fail(error.message));
  if (cfg.mode === 'development' && index === undefined) {
    logger.warn(
      { host: cfg.host },
      'development mode: anyone who reaches this server can read sign-in codes at /api/v1/dev/outbox, so it listens on loopback only; set HEALTHCODE_MODE=production to serve other machines',
    );
  }
  const server = await startServer(
    cfg,
    logger,
    systemClock,
    index === undefined ? {} : { demoData: false, scheduledJobs: index === 0, cluster: { worker: index, exposition: (registry) => workerMetrics(registry, processChannel) } },
  );
  if (index === undefined) {
    logger.info({ url: server.url, docs: `${server.url}/docs`, engine: server.store.engine, mode: cfg.mode }, `healthcode is running: open ${server.url}/ (API docs at ${server.url}/docs)`);
  } else {
    logger.info({ pid: process.pid }, 'worker listening');
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
    logger.info({ signal, drainSeconds: cfg.drainSeconds }, 'draining: answering every request received');
    const { cut } = await server.drain(cfg.drainSeconds * 1000, () => logger.info('draining: taking no new connections'));
    if (cut > 0) logger.error({ cut, drainSeconds: cfg.drainSeconds }, `drain bound reached: cut ${cut} requests still unanswered after ${cfg.drainSeconds} s`);
    else logger.info('drained: every request received was answered');
    // Closing the database waits for nothing a request holds any more; a database that does not answer still lets the process go.
    const timer = setTimeout(() => {
      logger.error({ closeSeconds: CLOSE_SECONDS }, 'the database did not close in time; exiting');
      process.exit(1);
    }, CLOSE_SECONDS * 1000);
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
