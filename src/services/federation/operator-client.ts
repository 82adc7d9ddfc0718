import { FederationRefusedError } from '../service-errors.js';

/** How long another operator or the hub gets to answer, and how much it may send. */
export const PEER_TIMEOUT_MS = 3000;
export const PEER_MAX_BYTES = 1_048_576;

/**
 * Talks to another operator or the hub over HTTP: bounded in time and size, so a member that is slow
 * or sends without end cannot hold the caller. A failure names whether the peer was unreachable or
 * answered something unusable; callers keep what they trusted before.
 */
export async function fetchFromPeer(url: string, init: { method?: 'GET' | 'POST'; body?: Uint8Array | string; contentType?: string; accept: string; timeoutMs?: number }): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      headers: { accept: init.accept, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      signal: AbortSignal.timeout(init.timeoutMs ?? PEER_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new FederationRefusedError('operator-unreachable', `${url} ${timedOut ? `did not answer within ${init.timeoutMs ?? PEER_TIMEOUT_MS} ms` : 'could not be reached'}`);
  }
  const bytes = await readBounded(response, url);
  if (!response.ok) {
    const problem = parseProblem(bytes);
    if (problem?.type === '/problems/federation-refused' && typeof problem.reason === 'string') throw new FederationRefusedError(problem.reason as never, `${url}: ${String(problem.detail ?? 'refused')}`);
    throw new FederationRefusedError(response.status >= 500 ? 'operator-unreachable' : 'operator-answered-garbage', `${url} answered ${response.status}`);
  }
  return bytes;
}

async function readBounded(response: Response, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > PEER_MAX_BYTES) throw new FederationRefusedError('operator-answered-garbage', `${url} sent ${declared} bytes, more than ${PEER_MAX_BYTES}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > PEER_MAX_BYTES) {
        await reader.cancel();
        throw new FederationRefusedError('operator-answered-garbage', `${url} sent more than ${PEER_MAX_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FederationRefusedError) throw error;
    throw new FederationRefusedError('operator-unreachable', `${url} broke off its answer`);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function parseProblem(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON from a peer, or a named refusal. */
export async function fetchJsonFromPeer(url: string): Promise<unknown> {
  const bytes = await fetchFromPeer(url, { accept: 'application/json' });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new FederationRefusedError('operator-answered-garbage', `${url} did not answer JSON`);
  }
}

/** The raw operator key an identity document (GET /api/v1/federation/identity) gives, checked to be of `operator`. */
export function identityKey(identity: unknown, operator: string | undefined, which: 'operatorKey' | 'hubKey', url: string): string {
  const record = typeof identity === 'object' && identity !== null ? (identity as Record<string, unknown>) : {};
  const op = record.operator as Record<string, unknown> | undefined;
  const key = record[which] as Record<string, unknown> | null | undefined;
  if (operator !== undefined && op?.id !== operator) throw new FederationRefusedError('operator-answered-garbage', `${url} says it is operator ${String(op?.id)}, not ${operator}`);
  if (typeof key?.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(key.x)) throw new FederationRefusedError('operator-answered-garbage', `${url} names no ${which}`);
  return key.x;
}
