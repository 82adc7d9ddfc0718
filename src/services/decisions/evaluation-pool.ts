import { Worker } from 'node:worker_threads';
import type { Evaluated } from '../../domain/decisions/alike-facts.js';
import type { ChunkToEvaluate } from '../../domain/decisions/chunk-evaluation.js';

interface Pending {
  resolve: (evaluated: Evaluated[]) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/** The worker's source next to this module: .js when compiled; .ts when run from source. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './evaluation-worker.ts' : './evaluation-worker.js', import.meta.url);

/** Node 20 does not pass module hooks (tsx's) on to worker threads: from source, the worker registers tsx first (as SignaturePool's). */
function startWorker(timeZone: string): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: { timeZone } });
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true, workerData: { timeZone } });
}

/**
 * Evaluates re-decision chunks on worker threads, so that the main thread reads the next chunk and
 * writes the last one meanwhile, on another core. A chunk is split evenly across the threads, one
 * message each; evaluating is pure, so where it runs changes nothing decided. A thread that dies
 * fails its chunks (the re-decision stops, its residents stay queued) and is replaced.
 */
export class EvaluationPool {
  readonly #threads: Thread[] = [];
  #nextId = 0;
  #closed = false;

  constructor(
    readonly size: number,
    private readonly timeZone: string,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`an evaluation pool needs at least one thread, got ${size}`);
  }

  async evaluate(chunk: ChunkToEvaluate): Promise<Evaluated[]> {
    if (this.#closed) throw new Error('the evaluation pool is closed');
    // Started at the first chunk: most commands and processes never re-decide many residents.
    while (this.#threads.length < this.size) this.#threads.push(this.#start());
    const share = Math.max(1, Math.ceil(chunk.facts.length / this.#threads.length));
    const parts: Promise<Evaluated[]>[] = [];
    for (let i = 0, t = 0; i < chunk.facts.length; i += share, t += 1) parts.push(this.#send(this.#threads[t]!, { ...chunk, facts: chunk.facts.slice(i, i + share) }));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  #send(thread: Thread, chunk: ChunkToEvaluate): Promise<Evaluated[]> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      thread.inFlight.set(id, { resolve, reject });
      thread.worker.postMessage({ id, chunk });
    });
  }

  #start(): Thread {
    const worker = startWorker(this.timeZone);
    worker.unref();
    const thread: Thread = { worker, inFlight: new Map() };
    worker.on('message', (message: { id: number; evaluated?: Evaluated[]; error?: string }) => {
      const pending = thread.inFlight.get(message.id);
      thread.inFlight.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(`evaluating a chunk: ${message.error}`));
      else pending?.resolve(message.evaluated!);
    });
    const fail = (error: Error) => {
      for (const pending of thread.inFlight.values()) pending.reject(error);
      thread.inFlight.clear();
      if (this.#closed) return;
      const index = this.#threads.indexOf(thread);
      if (index !== -1) this.#threads[index] = this.#start();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`an evaluation thread stopped (exit ${code})`)));
    return thread;
  }
}
