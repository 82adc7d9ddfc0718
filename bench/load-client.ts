import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  text: string;
}

/**
 * The replay's load generator: node:http over kept-alive connections, one per request in flight,
 * bodies given already serialised. fetch() (undici behind the WHATWG API) was the load generator's
 * largest cost in its profile, on the same two cores as the server it measures.
 */
export function loadClient(origin: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const { hostname, port } = new URL(origin);
  const send = (method: 'GET' | 'POST', path: string, body: string | undefined, headers: Record<string, string>) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request({ agent, hostname, port, method, path, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    get: (path: string, headers: Record<string, string> = {}) => send('GET', path, undefined, headers),
    post: (path: string, body: string, headers: Record<string, string> = {}) => send('POST', path, body, headers),
    close: () => agent.destroy(),
  };
}
