import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../src/logging.js';
import { LazyRequestLogger } from '../../src/http/request-logger.js';

/** A logger as the server makes it, writing into `lines`, and counting the children made of it. */
function serverLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) as unknown as FastifyBaseLogger;
  let children = 0;
  const child = logger.child;
  // Children inherit this (pino children are made from their parent's prototype): each counts.
  logger.child = function (this: FastifyBaseLogger, bindings, options) {
    children += 1;
    return child.call(this, bindings, options);
  };
  return { logger, lines, children: () => children };
}

const REQUEST = { reqId: '5f0c6a2e-4b1d-4c8e-9a57-3d2f1e0b7c64' };
const withoutTime = ({ time: _time, ...line }: Record<string, unknown>) => line;

describe("a request's logger made only when used", () => {
  it('makes no child logger for a request that logs nothing of its own', () => {
    const { logger, children } = serverLogger();
    const lazy = new LazyRequestLogger(logger, REQUEST, {});
    assert.equal(lazy.level, 'info');
    assert.equal(lazy.materialized, false);
    assert.equal(children(), 0);
  });

  it('writes, once used, the very line the request’s child logger writes, request id and all', () => {
    const { logger, lines, children } = serverLogger();
    new LazyRequestLogger(logger, REQUEST, {}).warn({ limit: 'sign-in-address', req: { method: 'POST', routeOptions: { url: '/api/v1/sign-in/code' }, headers: { authorization: 'Bearer secret' } } }, 'request limit reached');
    logger.child(REQUEST, {}).warn({ limit: 'sign-in-address', req: { method: 'POST', routeOptions: { url: '/api/v1/sign-in/code' }, headers: { authorization: 'Bearer secret' } } }, 'request limit reached');
    assert.equal(children(), 2);
    assert.equal(lines.length, 2);
    assert.deepEqual(withoutTime(lines[0]!), withoutTime(lines[1]!));
    assert.deepEqual(lines[0]!.req, { method: 'POST', route: '/api/v1/sign-in/code' });
    assert.equal(lines[0]!.reqId, REQUEST.reqId);
  });

  it('makes its child once, however often the request logs', () => {
    const { logger, lines, children } = serverLogger();
    const lazy = new LazyRequestLogger(logger, REQUEST, {});
    lazy.info('first');
    lazy.error({ err: { message: 'database unavailable' } }, 'second');
    assert.equal(children(), 1);
    assert.deepEqual(lines.map((line) => [line.msg, line.reqId]), [['first', REQUEST.reqId], ['second', REQUEST.reqId]]);
  });

  it('keeps a level the route set for its requests, and writes nothing below it', () => {
    const { logger, lines } = serverLogger();
    const lazy = new LazyRequestLogger(logger, REQUEST, { level: 'warn' });
    assert.equal(lazy.level, 'warn');
    lazy.info('not written');
    lazy.warn('written');
    assert.deepEqual(lines.map((line) => line.msg), ['written']);
  });

  it('hands a child of its own on, bound to the request too', () => {
    const { logger, lines } = serverLogger();
    new LazyRequestLogger(logger, REQUEST, {}).child({ job: 'export' }).info('done');
    assert.equal(lines[0]!.reqId, REQUEST.reqId);
    assert.equal(lines[0]!.job, 'export');
  });
});
