import { connect, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A TCP proxy in front of a database, to make it fail the ways networks do: `sever` cuts every open
 * connection at once; `refuse` closes new ones at once; `blackhole` accepts and then never answers,
 * on new and open connections alike.
 */
export class TcpProxy {
  #mode: ProxyMode = 'forward';
  readonly #pairs = new Set<[Socket, Socket]>();
  readonly #held = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.#server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  set mode(mode: ProxyMode) {
    this.#mode = mode;
    for (const [client, upstream] of this.#pairs) {
      if (mode === 'blackhole') {
        client.pause();
        upstream.pause();
      } else {
        client.resume();
        upstream.resume();
      }
    }
  }

  /** Cuts every open connection, as a crashed proxy or a restarted database would. */
  sever(): void {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
  }

  get openConnections(): number {
    return this.#pairs.size;
  }

  async stop(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.#mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.#mode === 'blackhole') {
      // Accepted, never answered: the database that hangs rather than fails.
      this.#held.add(client);
      client.on('close', () => this.#held.delete(client));
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
