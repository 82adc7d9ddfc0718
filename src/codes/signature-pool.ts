import { Worker } from 'node:worker_threads';

interface Pending {
  item: [Uint8Array, Uint8Array, Uint8Array];
  resolve: (valid: boolean) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Batches sent and not yet answered, by id. */
  inFlight: Map<number, Pending[]>;
}

/** The worker's source next to this module: .js when compiled; .ts when run from source. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './signature-worker.ts' : './signature-worker.js', import.meta.url);

/** Node 20 does not pass module hooks (tsx's) on to worker threads: from source, the worker registers tsx first. */
function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true });
}

/**
 * Ed25519 signature checks on worker threads, so an upload of scans uses every core. Checks asked
 * for in the same turn of the event loop (a batch verified at once) are gathered and split evenly
 * across the threads, one message each. A thread that dies fails its checks and is replaced.
 */
export class SignaturePool {
  readonly #threads: Thread[] = [];
  #pending: Pending[] = [];
  #flushing = false;
  #nextId = 0;
  #closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a signature pool needs at least one thread, got ${size}`);
    for (let i = 0; i < size; i += 1) this.#threads.push(this.#start());
  }

  /** The check, in the shape TokenVerifier takes. */
  readonly verify = (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the signature pool is closed'));
      // Copies of exactly these bytes: a view into a larger buffer would send all of it.
      this.#pending.push({ item: [new Uint8Array(publicKey), new Uint8Array(data), new Uint8Array(signature)], resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        queueMicrotask(() => this.#flush());
      }
    });

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  #flush(): void {
    this.#flushing = false;
    const pending = this.#pending;
    this.#pending = [];
    const share = Math.ceil(pending.length / this.#threads.length);
    for (let i = 0, t = 0; i < pending.length; i += share, t += 1) {
      const batch = pending.slice(i, i + share);
      const thread = this.#threads[t % this.#threads.length]!;
      const id = this.#nextId++;
      thread.inFlight.set(id, batch);
      thread.worker.postMessage({ id, items: batch.map((p) => p.item) });
    }
  }

  #start(): Thread {
    const worker = startWorker();
    worker.unref();
    const thread: Thread = { worker, inFlight: new Map() };
    worker.on('message', (message: { id: number; results: boolean[] }) => {
      const batch = thread.inFlight.get(message.id);
      thread.inFlight.delete(message.id);
      batch?.forEach((p, i) => p.resolve(message.results[i] === true));
    });
    const fail = (error: Error) => {
      for (const batch of thread.inFlight.values()) for (const p of batch) p.reject(error);
      thread.inFlight.clear();
      if (this.#closed) return;
      const index = this.#threads.indexOf(thread);
      if (index !== -1) this.#threads[index] = this.#start();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a signature thread stopped (exit ${code})`)));
    return thread;
  }
}
