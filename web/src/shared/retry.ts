/** What the apps need to know of a refusal to decide whether to ask again by themselves. */
export interface Refusal {
  method: string;
  status: number;
  /** The problem's type without its `/problems/` prefix. */
  type: string;
  retryAfter: string | null;
}

/** Retries after the first try, at most: a crowd that keeps asking is what made the server refuse. */
export const MAX_RETRIES = 3;
/** Longer waits are shown to the person, who may rather do something else. */
export const MAX_WAIT_SECONDS = 10;
/** All waits of one request together: a guard at a gate or a resident at a door does not wait longer. */
export const MAX_TOTAL_WAIT_MS = 15_000;

/** Refusals made before the request did anything: any method may be sent again. */
const REFUSED_BEFORE_WORK = new Set(['overloaded', 'too-many-requests']);
/** Refusals after which only a request that changes nothing is sent again: a write may have landed. */
const REFUSED_MAYBE_DURING_WORK = new Set(['unavailable', 'not-ready']);

/**
 * How long to wait before sending a refused request again, or undefined to give up and show the
 * refusal. Honours the server's Retry-After, spread over up to half as long again so that a crowd
 * refused together does not come back together. `random` is in [0, 1).
 */
export function retryDelayMs(refusal: Refusal, retriesSoFar: number, random: number, waitedMs = 0): number | undefined {
  if (retriesSoFar >= MAX_RETRIES) return undefined;
  if (refusal.status !== 429 && refusal.status !== 503) return undefined;
  const safe = refusal.method === 'GET' || refusal.method === 'HEAD';
  if (!REFUSED_BEFORE_WORK.has(refusal.type) && !(safe && REFUSED_MAYBE_DURING_WORK.has(refusal.type))) return undefined;
  const seconds = retryAfterSeconds(refusal.retryAfter);
  if (seconds === undefined || seconds > MAX_WAIT_SECONDS) return undefined;
  const delay = Math.max(250, seconds * 1000) * (1 + 0.5 * random);
  return waitedMs + delay > MAX_TOTAL_WAIT_MS ? undefined : delay;
}

/** Retry-After as delay-seconds (what this server sends); anything else is not understood. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
