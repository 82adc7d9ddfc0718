import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { buildApp } from '../src/http/app.js';
import { createLogger, isoTime, requestCompletedLine, stdoutInBackground } from '../src/logging.js';
import { describeOnEachEngine, UNLIMITED } from './support/harness.js';
import { ZHANG_WEI } from './support/people.js';
import { signedUpThroughApi } from './support/sign-in.js';

/**
 * The server's log lines are written in the background (stdoutInBackground): none may be lost when
 * the process ends at once after logging them, by process.exit or by a crash.
 */
describe('logging to standard output in the background', () => {
  const run = (ending: string) => {
    const script = `
      import { createLogger, stdoutInBackground } from './src/logging.ts';
      const logger = createLogger('info', stdoutInBackground());
      for (let i = 0; i < 2000; i += 1) logger.info({ i }, 'line');
      ${ending}
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: child.status, lines: child.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { i: number }).i) };
  };
  const everyLine = Array.from({ length: 2000 }, (_, i) => i);

  it('keeps every line logged before process.exit, in order', () => {
    const { status, lines } = run('process.exit(3);');
    assert.equal(status, 3);
    assert.deepEqual(lines, everyLine);
  });

  it('keeps every line logged before a crash, in order', () => {
    const { status, lines } = run("throw new Error('crash');");
    assert.notEqual(status, 0);
    assert.deepEqual(lines, everyLine);
  });
});

/**
 * Lines are written together, not one write each: at a city's peak a write (a thread woken, a pipe
 * written) for every few requests cost a tenth of a warm code view's CPU.
 */
describe('batching the lines written to standard output', () => {
  const sink = () => {
    const writes: string[] = [];
    return { writes, out: { write: (text: string) => void writes.push(text), flushSync: () => undefined } };
  };
  const line = (n: number) => `{"level":30,"reqId":"req-${n}","msg":"request completed"}\n`;

  it('writes the lines of several turns of the event loop together, in order, once the interval is over', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    try {
      const { writes, out } = sink();
      const stream = stdoutInBackground(out, { intervalMs: 10, maxPendingChars: 64 * 1024 });
      stream.write(line(1));
      mock.timers.tick(4);
      stream.write(line(2));
      mock.timers.tick(5);
      stream.write(line(3));
      assert.deepEqual(writes, []);
      mock.timers.tick(1);
      assert.deepEqual(writes, [line(1) + line(2) + line(3)]);
    } finally {
      mock.timers.reset();
    }
  });

  it('writes at once when the lines waiting reach the bound, without waiting for the interval', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    try {
      const { writes, out } = sink();
      const stream = stdoutInBackground(out, { intervalMs: 10, maxPendingChars: line(1).length * 2 });
      stream.write(line(1));
      assert.deepEqual(writes, []);
      stream.write(line(2));
      assert.deepEqual(writes, [line(1) + line(2)]);
      stream.write(line(3));
      mock.timers.tick(10);
      assert.deepEqual(writes, [line(1) + line(2), line(3)]);
    } finally {
      mock.timers.reset();
    }
  });
});

/** A logger as the server makes it (or a child of one), writing each line as it comes into `lines`. */
function capturing(level = 'info', bindings: Record<string, string | number> = {}, child?: Record<string, string | number>) {
  const lines: string[] = [];
  const made = createLogger(level, { write: (line: string) => void lines.push(line) }, bindings);
  return { logger: child === undefined ? made : made.child(child), lines };
}

/** The line a request completes with, as pino writes it from the request and reply (what the app did before). */
const pinoLine = (logger: ReturnType<typeof createLogger>, reqId: string, method: string, route: string | undefined, statusCode: number, responseTime: number) =>
  logger.info({ reqId, req: { method, routeOptions: { url: route } }, res: { statusCode }, responseTime }, 'request completed');

describe('the line a request completes with, written without pino', () => {
  const binding = fc.dictionary(fc.constantFrom('worker', 'zone', 'x'), fc.oneof(fc.string(), fc.integer()), { maxKeys: 2 }).map((d) => ({ ...d }));
  const request = fc.record({
    reqId: fc.oneof(fc.uuid(), fc.string(), fc.stringMatching(/^[A-Za-z0-9-]{1,120}$/)),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE'), fc.string()),
    route: fc.option(fc.oneof(fc.constant('/api/v1/residents/:id/code'), fc.string()), { nil: undefined }),
    statusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)),
    responseTime: fc.oneof(fc.double(), fc.integer({ min: 0, max: 100_000 }).map((n) => n / 10)),
    at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  });

  it('writes the very bytes pino writes, for any request, whatever the logger is bound to', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    fc.assert(
      fc.property(binding, fc.option(binding, { nil: undefined }), request, (bindings, child, { reqId, method, route, statusCode, responseTime, at }) => {
        t.mock.timers.setTime(at);
        const fast = capturing('info', bindings, child);
        const slow = capturing('info', bindings, child);
        requestCompletedLine(fast.logger)(reqId, method, route, statusCode, responseTime);
        pinoLine(slow.logger, reqId, method, route, statusCode, responseTime);
        assert.deepEqual(fast.lines, slow.lines);
      }),
      { numRuns: 500 },
    );
  });

  it('writes nothing when the logger is set above info', () => {
    for (const level of ['warn', 'silent']) {
      const { logger, lines } = capturing(level);
      requestCompletedLine(logger)('5f0c6a2e-4b1d-4c8e-9a57-3d2f1e0b7c64', 'GET', '/healthz', 200, 0.4);
      assert.deepEqual(lines, []);
    }
  });

  it('writes again once the logger is set back to info', () => {
    const { logger, lines } = capturing('warn');
    const completed = requestCompletedLine(logger);
    logger.level = 'info';
    completed('5f0c6a2e-4b1d-4c8e-9a57-3d2f1e0b7c64', 'GET', '/healthz', 200, 0.4);
    assert.equal(lines.length, 1);
  });

  it("writes pino's time, made once a millisecond", () => {
    mock.timers.enable({ apis: ['Date'], now: 0 });
    try {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 5 }), (instants) => {
          for (const at of instants) {
            mock.timers.setTime(at);
            assert.equal(isoTime(), pino.stdTimeFunctions.isoTime());
          }
        }),
      );
    } finally {
      mock.timers.reset();
    }
  });
});

/**
 * One line per request, when it completes: what an operator's log search reads. Its fields and their
 * order are the contract; a line written another way (a logger made per request or not) must not
 * drop or reorder any of them, nor carry anything of the request beyond its route.
 */
describeOnEachEngine('the line each request logs', (h) => {
  const completed = () => h().logs.flatMap((text) => text.split('\n')).filter((line) => line.includes('"request completed"')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('names the request by id, method and route template, with its status and time, and nothing else', async () => {
    const app = await h().app();
    const { id, auth } = await signedUpThroughApi(h(), ZHANG_WEI, app);
    const before = completed().length;
    const shown = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth });
    assert.equal(shown.statusCode, 200);
    const [line, ...more] = completed().slice(before);
    assert.equal(more.length, 0, 'one line per request');
    assert.deepEqual(Object.keys(line!), ['level', 'time', 'service', 'reqId', 'req', 'res', 'responseTime', 'msg']);
    assert.equal(line!.level, 30);
    assert.match(String(line!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(line!.service, 'healthcode');
    assert.match(String(line!.reqId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(line!.req, { method: 'GET', route: '/api/v1/residents/:id/code' });
    assert.deepEqual(line!.res, { statusCode: 200 });
    assert.equal(typeof line!.responseTime, 'number');
    assert.equal(line!.msg, 'request completed');
  });

  it('writes what a request logs on its way under that request id, before the line it completes with', async () => {
    const app = await buildApp({ services: h().services, bodyLimitBytes: 64 * 1024, protection: { limits: { ...UNLIMITED, signInCodesPerAddressPerMinute: 1 } } });
    try {
      for (const expected of [202, 429]) {
        const asked = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: '13912345678' } });
        assert.equal(asked.statusCode, expected, asked.body);
      }
      const lines = h().logs.flatMap((text) => text.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const limited = lines.findIndex((line) => line.msg === 'request limit reached');
      assert.ok(limited >= 0, 'the limit logged nothing');
      const done = lines.findIndex((line) => line.msg === 'request completed' && line.reqId === lines[limited]!.reqId);
      assert.ok(done > limited, 'the request completed under another id, or before it logged');
      assert.deepEqual(Object.keys(lines[limited]!), ['level', 'time', 'service', 'reqId', 'limit', 'msg']);
      assert.deepEqual(lines[done]!.res, { statusCode: 429 });
    } finally {
      await app.close();
    }
  });

  it('logs a request no route answers under the route unmatched', async () => {
    const app = await h().app();
    await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    const [line] = completed().slice(-1);
    assert.deepEqual(line!.req, { method: 'GET', route: 'unmatched' });
    assert.deepEqual(line!.res, { statusCode: 404 });
  });
});
