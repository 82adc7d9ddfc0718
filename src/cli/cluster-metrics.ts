import { AggregatorRegistry, Registry } from 'prom-client';
import type { MetricsExposition } from '../http/metrics.js';

/** One process's figures as prom-client hands them over (JSON, so they cross the IPC channel). */
export type Figures = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Messages between a cluster's primary and its workers about /metrics; prefixed, apart from prom-client's own. */
export const METRICS_MESSAGES = {
  /** worker → primary: a scrape reached me; send the whole service's figures. */
  ask: 'healthcode:metrics-ask',
  /** primary → worker: the whole service's text, or why it could not be gathered. */
  answer: 'healthcode:metrics-answer',
  /** primary → every worker: send me your figures. */
  gather: 'healthcode:metrics-gather',
  /** worker → primary: my figures. */
  part: 'healthcode:metrics-part',
} as const;

/** A worker as the primary reaches it: its index (kept when it is replaced) and its IPC channel. */
export interface WorkerChannel {
  index: number;
  send(message: unknown): void;
}

interface Gathering {
  waiting: Set<number>;
  parts: Map<number, Figures>;
  finish: () => void;
  fail: (error: Error) => void;
}

/** What keeps counting across a worker's death: counters and histograms only grow. */
const cumulative = (figures: Figures): Figures => figures.filter((m) => ['counter', 'histogram'].includes(String(m.type)));

/**
 * The primary's side of /metrics with `serve --workers N`: asks every worker listening for its
 * figures and adds them up with prom-client's AggregatorRegistry (each metric by its aggregator:
 * counters and histograms summed; gauges of the database taken once; a process's own figures kept
 * apart by their `worker` label).
 *
 * prom-client's own clusterMetrics() is not used: it asks workers still starting (which have no
 * figures yet and never answer, failing the scrape after 5 s), and what a worker counted is lost
 * when it dies, so the service's counters would go back (read by Prometheus as a reset, a false
 * spike in every rate). Here only workers that said they listen are asked, and a dead worker's last
 * counters are kept and added to every later answer.
 */
export class ClusterMetrics {
  readonly #workers = new Map<number, WorkerChannel>();
  readonly #last = new Map<number, Figures>();
  readonly #gatherings = new Map<number, Gathering>();
  /** The counters of workers that died, added up; a chain so that gatherings read it after every death before them. */
  #retired: Promise<Figures> = Promise.resolve([]);
  #nextId = 0;

  /** `timeoutMs`: how long a worker may take to answer before the scrape fails, naming it. */
  constructor(private readonly timeoutMs = 5000) {}

  /** A worker listens: from now on it is asked. */
  joined(worker: WorkerChannel): void {
    this.#workers.set(worker.index, worker);
  }

  /** A worker died or stopped: its last counters are kept, and nobody waits for it any more. */
  left(index: number): void {
    this.#workers.delete(index);
    const last = this.#last.get(index);
    this.#last.delete(index);
    if (last) {
      const previous = this.#retired;
      this.#retired = previous.then((retired) => AggregatorRegistry.aggregate([retired, cumulative(last)]).getMetricsAsJSON());
    }
    for (const gathering of this.#gatherings.values()) {
      // Its part, if it sent one, is now among the retired counters: counted once.
      gathering.parts.delete(index);
      gathering.waiting.delete(index);
      if (gathering.waiting.size === 0) gathering.finish();
    }
  }

  /** A message from worker `index`; a part of a gathering is taken, anything else ignored. */
  received(index: number, message: unknown): void {
    const m = message as { type?: unknown; id?: unknown; figures?: unknown } | null;
    if (m?.type !== METRICS_MESSAGES.part || typeof m.id !== 'number' || !Array.isArray(m.figures)) return;
    const gathering = this.#gatherings.get(m.id);
    if (!gathering?.waiting.has(index)) return;
    const figures = m.figures as Figures;
    this.#last.set(index, figures);
    gathering.parts.set(index, figures);
    gathering.waiting.delete(index);
    if (gathering.waiting.size === 0) gathering.finish();
  }

  /** The whole service's figures, as Prometheus text. */
  gather(): Promise<string> {
    const id = this.#nextId++;
    return new Promise<Figures[]>((resolve, reject) => {
      const timer = setTimeout(() => gathering.fail(new Error(`worker ${[...gathering.waiting].sort().join(', ')} did not send its figures within ${this.timeoutMs} ms`)), this.timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.#gatherings.delete(id);
      };
      const gathering: Gathering = {
        waiting: new Set(this.#workers.keys()),
        parts: new Map(),
        finish: () => {
          settle();
          resolve([...gathering.parts.values()]);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      this.#gatherings.set(id, gathering);
      if (gathering.waiting.size === 0) return gathering.finish();
      for (const worker of this.#workers.values()) worker.send({ type: METRICS_MESSAGES.gather, id });
    }).then(async (parts) => AggregatorRegistry.aggregate([await this.#retired, ...parts]).metrics());
  }
}

/**
 * A worker's side: answers the primary's gatherings with `registry`'s figures, and serves /metrics by
 * asking the primary for the whole service's. `channel` is the worker's IPC (process.send and its
 * messages); given apart so that a test can play the primary.
 */
export function workerMetrics(
  registry: Registry,
  channel: { send(message: unknown): void; onMessage(listener: (message: unknown) => void): void },
  timeoutMs = 7000,
): MetricsExposition {
  const asked = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  channel.onMessage((message) => {
    const m = message as { type?: unknown; id?: unknown; text?: unknown; error?: unknown } | null;
    if (typeof m?.id !== 'number') return;
    if (m.type === METRICS_MESSAGES.gather) {
      const id = m.id;
      void registry.getMetricsAsJSON().then(
        (figures) => channel.send({ type: METRICS_MESSAGES.part, id, figures }),
        // The primary times out and names this worker; nothing more to say here.
        () => undefined,
      );
    } else if (m.type === METRICS_MESSAGES.answer) {
      const waiter = asked.get(m.id);
      asked.delete(m.id);
      if (typeof m.text === 'string') waiter?.resolve(m.text);
      else waiter?.reject(new Error(typeof m.error === 'string' ? m.error : 'the primary sent no figures'));
    }
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          asked.delete(id);
          reject(new Error(`the primary did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        asked.set(id, {
          resolve: (text) => (clearTimeout(timer), resolve(text)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        channel.send({ type: METRICS_MESSAGES.ask, id });
      }),
  };
}
