import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Drain } from '../../src/http/drain.js';
import { getRequest, openConnection, readAnswers, written } from '../support/pipelined-burst.js';

/** A bare server with a drain, one route answering at once and one that answers when told. */
async function drainable() {
  const app = Fastify({ return503OnClosing: false });
  const drain = new Drain(app.server);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  app.get('/api/v1/rules/effective', async () => ({ region: '330110', name: '余杭区' }));
  app.get('/held', async () => {
    await held;
    return { ok: true };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, drain, url, release };
}

describe('Drain', () => {
  it('answers every request pipelined on a kept-alive connection when the drain begins, the last with connection: close', async () => {
    const { drain, url } = await drainable();
    const socket = await openConnection(url);
    const answers = readAnswers(socket);
    await written(socket, getRequest(url, '/api/v1/rules/effective'));
    await answers.answers(1);
    await written(socket, getRequest(url, '/api/v1/rules/effective').repeat(10));
    const outcome = await drain.drain(10_000);
    const { statuses, connectionHeaders, ended } = await answers.settled;
    assert.deepEqual({ outcome, answered: statuses.length, ended }, { outcome: { cut: 0 }, answered: 11, ended: 'closed' });
    assert.ok(connectionHeaders.slice(0, -1).every((h) => h === 'keep-alive'));
  });

  it('says it drains from the first moment, and closes a kept-alive connection with nothing to answer', async () => {
    const { drain, url } = await drainable();
    const socket = await openConnection(url);
    const answers = readAnswers(socket);
    await written(socket, getRequest(url, '/api/v1/rules/effective'));
    await answers.answers(1);
    assert.equal(drain.draining, false);
    const drained = drain.drain(10_000);
    assert.equal(drain.draining, true);
    assert.deepEqual(await drained, { cut: 0 });
    assert.equal((await answers.settled).ended, 'closed');
  });

  it('answers a request held past the drain\'s start with connection: close once it completes', async () => {
    const { drain, url, release } = await drainable();
    const socket = await openConnection(url);
    const answers = readAnswers(socket);
    await written(socket, getRequest(url, '/held'));
    while (drain.inFlight === 0) await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const drained = drain.drain(10_000, () => (stopped = true));
    while (!stopped) await new Promise((resolve) => setImmediate(resolve));
    // Past the turns in which what sockets held at the start is read.
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    release();
    assert.deepEqual(await drained, { cut: 0 });
    assert.deepEqual(await answers.settled, { statuses: [200], connectionHeaders: ['close'], ended: 'closed' });
  });

  it('cuts what is still unanswered at its bound, counting it', async () => {
    const { drain, url } = await drainable();
    const socket = await openConnection(url);
    const answers = readAnswers(socket);
    await written(socket, getRequest(url, '/held'));
    while (drain.inFlight === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await drain.drain(50), { cut: 1 });
    assert.equal((await answers.settled).statuses.length, 0);
  });
});
