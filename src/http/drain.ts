import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** The newest response a connection has been given a request for: its last, if no other follows. */
const NEWEST = Symbol('newest response');
/** A response this drain told to close its connection (and may tell otherwise, if another request follows). */
const CLOSED_BY_DRAIN = Symbol('closed by the drain');

type DrainSocket = Socket & { [NEWEST]?: ServerResponse };
type DrainResponse = ServerResponse & { [CLOSED_BY_DRAIN]?: boolean };

export interface DrainOutcome {
  /** Requests received and not yet answered when the bound was reached, whose connections were then cut. */
  cut: number;
}

/**
 * Stopping without dropping a request received. Node's `server.close()` (which Fastify's `close`
 * calls) destroys every connection with no request being answered, among them those whose next
 * requests are still unread in the socket's buffer: the client gets a reset instead of its answers.
 * A drain instead stops accepting at once, lets what was already sent be read and answered, sends
 * `connection: close` on each connection's last answer, closes connections left idle, and cuts
 * whatever is left at its bound.
 */
export class Drain {
  #draining = false;
  /** Set once the event loop has read what sockets held when the drain began. */
  #settled = false;
  /** Responses to requests received, not yet written to the end (nor given up by their client). */
  readonly #pending = new Set<ServerResponse>();
  #sweep: NodeJS.Immediate | undefined;
  readonly #server: Server;

  constructor(server: Server) {
    this.#server = server;
    // Before Fastify's own listener: the count and the newest response are known before any handler runs.
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => this.#received(request, response));
  }

  /** Whether the server is stopping: readiness says so from the first moment. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Requests received and not yet answered (or given up by their client). */
  get inFlight(): number {
    return this.#pending.size;
  }

  /**
   * Stops accepting connections (`stoppedAccepting` is called then), answers every request received
   * on those open, then resolves once no connection is left; at `boundMs` the connections still open
   * are cut, their requests counted.
   */
  drain(boundMs: number, stoppedAccepting: () => void = () => undefined): Promise<DrainOutcome> {
    this.#draining = true;
    return new Promise((resolve) => {
      let cut = 0;
      const bound = setTimeout(() => {
        cut = this.#pending.size;
        this.#server.closeAllConnections();
      }, boundMs);
      // Connections a client had opened before the signal, waiting in the listening socket's backlog,
      // are accepted in the poll phase before this first turn ends: closing the socket now would reset them.
      setImmediate(() => {
        // net.Server's close, not http.Server's: it stops accepting and leaves open connections be (the
        // http one destroys those with nothing being answered, unread requests and all); its callback
        // comes once the last connection has closed.
        NetServer.prototype.close.call(this.#server, () => {
          clearTimeout(bound);
          if (this.#sweep !== undefined) clearImmediate(this.#sweep);
          resolve({ cut });
        });
        stoppedAccepting();
        // Two more turns: what those connections' buffers held is read (and handed to its routes) in
        // the poll phases between, so a connection that then has nothing to answer has nothing unread
        // either, and closing it resets nothing.
        setImmediate(() =>
          setImmediate(() => {
            this.#settled = true;
            for (const socket of this.#openSockets()) this.#closeAfterNewest(socket);
            this.#server.closeIdleConnections();
          }),
        );
      });
    });
  }

  #received(request: IncomingMessage, response: ServerResponse): void {
    this.#pending.add(response);
    response.once('close', () => this.#answered(response));
    const socket = request.socket as DrainSocket;
    const previous = socket[NEWEST];
    socket[NEWEST] = response;
    if (!this.#settled) return;
    // A request after the one told to close: that one is not the last after all.
    if (previous !== undefined && (previous as DrainResponse)[CLOSED_BY_DRAIN] === true && !previous.headersSent) {
      previous.shouldKeepAlive = true;
      (previous as DrainResponse)[CLOSED_BY_DRAIN] = false;
    }
    this.#closeAfterNewest(socket);
  }

  #answered(response: ServerResponse): void {
    this.#pending.delete(response);
    // The connection may now be idle: closed on the next turn (after Node has ended it, if it was told to close).
    if (this.#settled) {
      this.#sweep ??= setImmediate(() => {
        this.#sweep = undefined;
        this.#server.closeIdleConnections();
      });
    }
  }

  /** Makes the connection's newest answer its last (`connection: close`), unless written already or more may be unread. */
  #closeAfterNewest(socket: DrainSocket): void {
    const newest = socket[NEWEST] as DrainResponse | undefined;
    // A paused socket (its client reads slowly) has not read all it was sent: an answer it is still
    // waiting for may follow. Its connection is closed once idle instead.
    if (newest === undefined || newest.headersSent || newest.writableEnded || socket.isPaused()) return;
    if (!newest.shouldKeepAlive) return;
    newest.shouldKeepAlive = false;
    newest[CLOSED_BY_DRAIN] = true;
  }

  /** The connections with a request being answered (one queued behind another has no `socket` yet: its request has). */
  #openSockets(): Set<DrainSocket> {
    const sockets = new Set<DrainSocket>();
    for (const response of this.#pending) sockets.add(response.req.socket as DrainSocket);
    return sockets;
  }
}
