import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { evaluated } from '../../../src/domain/decisions/alike-facts.js';
import { evaluator, NOW, resident, TZ, wuchangHighRisk } from '../../support/hangzhou-morning.js';

const WORKER_URL = new URL('../../../src/services/decisions/evaluation-worker.ts', import.meta.url);

describe('an evaluation thread', () => {
  // From source, as EvaluationPool starts it: tsx registered first.
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true, workerData: { timeZone: TZ } });
  after(() => worker.terminate());
  const ask = async (message: unknown) => {
    worker.postMessage(message);
    const [answer] = (await once(worker, 'message')) as [{ id: number; evaluated?: unknown; error?: string }];
    return answer;
  };
  const li = { ...resident(), residentId: 'li-na' };
  const chunk = { now: NOW, areas: [wuchangHighRisk], sets: { [li.region]: evaluator.ruleSet }, facts: [li] };

  it('answers a chunk under its id with each resident’s decision and how long it holds', async () => {
    assert.deepEqual(await ask({ id: 7, chunk }), { id: 7, evaluated: [evaluated(evaluator, li, chunk.areas, NOW)] });
  });

  it('answers a chunk it cannot evaluate with the reason, under its id, and goes on', async () => {
    assert.deepEqual(await ask({ id: 8, chunk: { ...chunk, sets: {} } }), { id: 8, error: 'chunk evaluation: no rule set for a resident’s region' });
    assert.equal((await ask({ id: 9, chunk })).id, 9);
  });
});
