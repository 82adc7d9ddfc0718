import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ENGINES, postgresUrlInSchema, TEST_POSTGRES_URL } from '../support/engines.js';
import { getRequest, lineMatching, openConnection, readAnswers, written } from '../support/pipelined-burst.js';
import { CLI, NO_LIMITS_ENV, serve, type Running } from '../support/spawned-server.js';

/** Yuhang's rules, as a resident's app reads them: a public request that reads the database. */
const RULES = '/api/v1/rules/effective?region=330110';

/**
 * The outside attacker's burst: `sockets` keep-alive connections, each with `perSocket` requests
 * pipelined, all written to the kernel before the server is told to stop. Every request must get an
 * HTTP answer: none may meet a reset.
 */
async function burstThenStop(server: Running, sockets: number, perSocket: number) {
  const connections = await Promise.all(Array.from({ length: sockets }, () => openConnection(server.url)));
  const reads = connections.map((socket) => readAnswers(socket));
  // Each connection kept alive by a first answer, as a resident's app keeps it: the server has it open.
  await Promise.all(connections.map((socket) => written(socket, getRequest(server.url, RULES))));
  await Promise.all(reads.map((r) => r.answers(1)));
  // The processes serving are held still while the burst is written, so every request of it is in a
  // socket's buffer, unread, when the signal comes (a fast server would otherwise answer first).
  const serving = servingProcesses(server);
  for (const pid of serving) process.kill(pid, 'SIGSTOP');
  try {
    await Promise.all(connections.map((socket) => written(socket, getRequest(server.url, RULES).repeat(perSocket))));
    server.child.kill('SIGTERM');
    // A cluster's primary tells its workers: they find its word and the burst waiting together.
    if (!serving.includes(server.child.pid!)) await lineMatching(server.lines, /"signal":"SIGTERM"/);
  } finally {
    for (const pid of serving) process.kill(pid, 'SIGCONT');
  }
  const outcomes = await Promise.all(reads.map((r) => r.settled));
  return { outcomes, code: await server.exited };
}

/** The processes that accept connections: the server itself, or a cluster's workers. */
function servingProcesses(server: Running): number[] {
  const children = spawnSync('pgrep', ['-P', String(server.child.pid)], { encoding: 'utf8' }).stdout.trim();
  return children === '' ? [server.child.pid!] : children.split('\n').map(Number);
}

/** A resident's app asking for a sign-in code: the request's head and its JSON body, to be sent in parts. */
function signInCodeUpload(url: string, phone: string): { head: string; body: string } {
  const body = JSON.stringify({ phone });
  return { head: `POST /api/v1/sign-in/code HTTP/1.1\r\nhost: ${new URL(url).host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`, body };
}

function stopsAnsweringEveryRequest(title: string, start: () => Promise<Running>) {
  it(title, { timeout: 240_000 }, async () => {
    const server = await start();
    const { outcomes, code } = await burstThenStop(server, 20, 10);
    const answered = outcomes.reduce((n, o) => n + o.statuses.length - 1, 0);
    const reset = outcomes.filter((o) => o.ended === 'reset').length;
    assert.deepEqual({ answered, reset }, { answered: 200, reset: 0 }, server.lines.slice(-20).join('\n'));
    assert.ok(outcomes.every((o) => o.statuses.every((s) => s === 200)), JSON.stringify(outcomes.map((o) => o.statuses)));
    // Then the server closed each connection (answered before or after the signal, as the race went).
    assert.ok(outcomes.every((o) => o.ended === 'closed'));
    assert.equal(code, 0);
    assert.ok(server.lines.some((l) => l.includes('"msg":"stopped"')));
  });
}

describe('a stopping server on SQLite', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-drain-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = (extra: Record<string, string> = {}) => serve(dataDir, { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_REGIONS: '330000', ...extra }, CLI, [], 120_000);
  stopsAnsweringEveryRequest('one process: answers all 200 requests of a burst on 20 keep-alive connections written just before SIGTERM, then exits 0', () => start());

  it('finishes a slow upload received before SIGTERM, answering it with connection: close, while refusing new connections and saying it drains', { timeout: 240_000 }, async () => {
    const server = await start();
    const slow = await openConnection(server.url);
    const slowAnswers = readAnswers(slow);
    const { head, body } = signInCodeUpload(server.url, '13800138001');
    await written(slow, head + body.slice(0, 10));
    const probe = await openConnection(server.url);
    const probeAnswers = readAnswers(probe);
    await written(probe, getRequest(server.url, '/healthz'));
    await probeAnswers.answers(1);
    // The load balancer's readiness probe, on its kept-alive connection: its head half sent when the signal comes.
    const readiness = getRequest(server.url, '/readyz');
    await written(probe, readiness.slice(0, 20));
    server.child.kill('SIGTERM');
    await lineMatching(server.lines, /"msg":"draining: taking no new connections"/);
    await assert.rejects(openConnection(server.url), { code: 'ECONNREFUSED' });
    await written(probe, readiness.slice(20));
    const probed = await probeAnswers.settled;
    assert.deepEqual(probed, { statuses: [200, 503], connectionHeaders: ['keep-alive', 'close'], ended: 'closed' });
    await written(slow, body.slice(10));
    const uploaded = await slowAnswers.settled;
    assert.deepEqual(uploaded, { statuses: [202], connectionHeaders: ['close'], ended: 'closed' });
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((l) => l.includes('"msg":"drained: every request received was answered"')), server.lines.slice(-10).join('\n'));
    // The 503 said while draining has its whole access-log line.
    assert.ok(server.lines.some((l) => l.includes('"req":{"method":"GET","route":"/readyz"},"res":{"statusCode":503}')), server.lines.slice(-10).join('\n'));
  });

  it('cuts a request still unanswered at HEALTHCODE_DRAIN_SECONDS, says how many it cut, and exits 0', { timeout: 240_000 }, async () => {
    const server = await start({ HEALTHCODE_DRAIN_SECONDS: '1' });
    const slow = await openConnection(server.url);
    const slowAnswers = readAnswers(slow);
    const { head, body } = signInCodeUpload(server.url, '13800138002');
    // Half a body, never finished: the request is received and can never be answered.
    await written(slow, head + body.slice(0, 10));
    const probe = await openConnection(server.url);
    const probeAnswers = readAnswers(probe);
    await written(probe, getRequest(server.url, '/healthz'));
    await probeAnswers.answers(1);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.equal((await slowAnswers.settled).statuses.length, 0);
    assert.ok(server.lines.some((l) => /"cut":1,.*"msg":"drain bound reached: cut 1 requests still unanswered after 1 s"/.test(l)), server.lines.slice(-10).join('\n'));
  });
});

describe('a stopping cluster on PostgreSQL', { skip: !ENGINES.includes('postgres') && 'PostgreSQL is not among HEALTHCODE_TEST_ENGINES' }, () => {
  const schema = `hc_drain_${randomBytes(5).toString('hex')}`;
  const env = { ...NO_LIMITS_ENV, HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_REGIONS: '330000', HEALTHCODE_DATABASE_URL: postgresUrlInSchema(schema), HEALTHCODE_DATA_KEY: randomBytes(32).toString('base64') };
  let dataDir: string;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'healthcode-drain-'));
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
  });
  after(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  stopsAnsweringEveryRequest('two workers: answer all 200 requests of a burst on 20 keep-alive connections written just before SIGTERM, then exit 0', () => serve(dataDir, env, CLI, ['--workers', '2'], 180_000));
});
