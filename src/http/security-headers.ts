import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** A header to set, or (value undefined) one to take away. */
export type HeaderSet = readonly (readonly [name: string, value: string | undefined])[];

/**
 * The headers helmet sets for `options`, worked out once: helmet's middleware parses its options
 * (the CSP directives, every name dashified) each time it is made, and @fastify/helmet makes it anew
 * for every request. Options with no per-request part (no CSP nonces, no directive functions) give
 * the same headers every time, so they are read off one run of helmet itself and replayed.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): HeaderSet {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? Object.values(csp.directives ?? {}) : [];
  if (directives.some((value) => typeof value === 'function' || (Array.isArray(value) && value.some((part) => typeof part === 'function')))) {
    throw new Error('a CSP directive is a function: its value changes per request, so it cannot be worked out once');
  }
  const headers: [string, string | undefined][] = [];
  const response = {
    setHeader: (name: string, value: string) => headers.push([name.toLowerCase(), value]),
    removeHeader: (name: string) => headers.push([name.toLowerCase(), undefined]),
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/** Sets a header set on a response, as helmet would have. */
export function applyHeaders(response: ServerResponse, headers: HeaderSet): void {
  for (const [name, value] of headers) {
    if (value === undefined) response.removeHeader(name);
    else response.setHeader(name, value);
  }
}
