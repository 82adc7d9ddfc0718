import { parentPort, workerData } from 'node:worker_threads';
import { renderPaperCard, type PaperCardFace } from './paper-card-pdf.js';

/** One card, laid out and its font subset on this thread: the answer is the PDF, or the error's message. */
renderPaperCard(workerData as PaperCardFace).then(
  (pdf) => parentPort!.postMessage({ pdf }),
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
