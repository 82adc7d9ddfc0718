import { Worker } from 'node:worker_threads';
import type { PaperCardFace } from './paper-card-pdf.js';

/** The worker's source next to this module: .js when compiled; .ts when run from source. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './paper-card-print-worker.ts' : './paper-card-print-worker.js', import.meta.url);

/**
 * Prints a card on a thread of its own. Laying out a card and cutting the subset of a 20 MB CJK font
 * takes the best part of a second of CPU, which on the server's thread would stall every request
 * meanwhile; cards are printed a few an hour, so a thread each is cheap enough and holds nothing
 * between prints.
 */
export function printCard(face: PaperCardFace): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node 20 does not pass module hooks (tsx's) on to worker threads: from source, the worker registers tsx first.
    const worker = FROM_SOURCE
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true, workerData: face })
      : new Worker(WORKER_URL, { workerData: face });
    worker.once('message', (answer: { pdf?: Uint8Array; error?: string }) => {
      if (answer.pdf) resolve(Buffer.from(answer.pdf));
      else reject(new Error(`could not print the paper card: ${answer.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the paper card printer stopped (exit code ${code}) before answering`)));
  });
}
