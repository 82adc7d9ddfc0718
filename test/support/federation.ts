import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyNationalTrustList, type NationalTrustList } from '../../src/codes/national-trust-list.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { base64UrlToBytes } from '../../src/codes/trust-list.js';
import { NO_LIMITS_ENV, serve, type Running } from './spawned-server.js';

/** A port nothing listens on yet, so that processes can be told each other's addresses before they start. */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One operator (or the hub) as its own process with its own SQLite database, refreshing trust every second. */
export type Operator = Running & { dataDir: string };

export async function startOperator(port: number, env: Record<string, string>): Promise<Operator> {
  const dataDir = mkdtempSync(join(tmpdir(), `healthcode-fed-${env.HEALTHCODE_OPERATOR_ID ?? 'op'}-`));
  // No signature threads: three servers start at once, and scans are not what these tests upload.
  const running = await serve(dataDir, { ...NO_LIMITS_ENV, HEALTHCODE_PORT: String(port), HEALTHCODE_FEDERATION_REFRESH: '1', HEALTHCODE_DEMO_DATA: 'off', HEALTHCODE_VERIFY_THREADS: '0', ...env }, undefined, undefined, 90_000);
  return { ...running, dataDir };
}

/** A stand-in for a member operator, answering each path with what the test says. */
export async function fakeOperator(port: number, answer: (path: string) => { status: number; type: string; body: Buffer | string } | undefined): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = answer(request.url ?? '/');
    if (!reply) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

export async function json<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
  const { json: payload, ...rest } = init;
  const response = await fetch(url, payload === undefined ? rest : { ...rest, method: rest.method ?? 'POST', headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) }, body: JSON.stringify(payload) });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** The national list an operator holds for its scanners, verified as a scanner does: against the hub key pinned from the hub itself. */
export async function nationalListAt(operatorUrl: string, hubKey: string): Promise<NationalTrustList | null> {
  const response = await fetch(`${operatorUrl}/api/v1/national-trust-list`);
  if (response.status === 204) return null;
  const body = (await response.json()) as { hubKey: string; document: string };
  assert.equal(body.hubKey, hubKey, 'the operator passes on the hub key the scanner pinned');
  return verifyNationalTrustList(base64UrlToBytes(body.document), base64UrlToBytes(hubKey), nodeVerify());
}

/** Polls until `check` holds (at most `ms`), returning its last value. */
export async function eventually<T>(what: string, probe: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let value = await probe();
  while (!check(value)) {
    if (Date.now() > until) assert.fail(`${what}: not within ${ms} ms; last ${JSON.stringify(value)?.slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await probe();
  }
  return value;
}

/** The code the development outbox shows for `phone` at an operator. */
export async function smsCode(operatorUrl: string, phone: string): Promise<string> {
  const asked = await json(`${operatorUrl}/api/v1/sign-in/code`, { json: { phone } });
  assert.equal(asked.status, 202, JSON.stringify(asked.body));
  return lastSmsCode(operatorUrl, phone);
}

/** The last code sent to `phone`, without asking for another (one a minute per phone). */
export async function lastSmsCode(operatorUrl: string, phone: string): Promise<string> {
  const { body } = await json<{ body: string }>(`${operatorUrl}/api/v1/dev/outbox?phone=${encodeURIComponent(phone)}`);
  const code = /\b(\d{6})\b/.exec(body.body)?.[1];
  assert.ok(code, 'a code in the outbox');
  return code;
}

/**
 * A man in the middle on the path to an operator: passes every request on and keeps the last fact
 * bundle it saw; with `replay` set, answers bundle requests with that kept bundle instead of asking.
 */
export class BundleReplayer {
  replay = false;
  kept: Buffer | undefined;
  #server: Server | undefined;

  constructor(private readonly target: string) {}

  async start(port: number): Promise<void> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => void this.#pass(request.method ?? 'GET', request.url ?? '/', request.headers, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
  }

  async #pass(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer, response: import('node:http').ServerResponse): Promise<void> {
    const isBundle = method === 'POST' && path === '/api/v1/federation/fact-bundles';
    if (isBundle && this.replay && this.kept) {
      response.writeHead(200, { 'content-type': 'application/cose' }).end(this.kept);
      return;
    }
    try {
      const pick = (name: string) => (typeof headers[name] === 'string' ? { [name]: headers[name] as string } : {});
      const answer = await fetch(this.target + path, { method, headers: { ...pick('content-type'), ...pick('accept') }, body: method === 'GET' ? undefined : body });
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (isBundle && answer.ok) this.kept = bytes;
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' }).end(bytes);
    } catch {
      // The operator behind is down: so is the path.
      response.socket?.destroy();
    }
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
