import { parentPort, workerData } from 'node:worker_threads';
import { ChunkEvaluation, type ChunkToEvaluate } from '../../domain/decisions/chunk-evaluation.js';

/** A thread of the EvaluationPool: evaluates each chunk it is sent and answers with the decisions. */
const evaluation = new ChunkEvaluation((workerData as { timeZone: string }).timeZone);
parentPort!.on('message', ({ id, chunk }: { id: number; chunk: ChunkToEvaluate }) => {
  try {
    parentPort!.postMessage({ id, evaluated: evaluation.evaluate(chunk) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
