import { connect, type Socket } from 'node:net';

/** What one keep-alive connection of a burst got back. */
export interface ConnectionOutcome {
  /** HTTP status of each answer, in order. */
  statuses: number[];
  /** The `connection` header of each answer (lower case; '' when absent). */
  connectionHeaders: string[];
  /** How the connection ended: the server closed it cleanly (FIN), reset it, or it is still open. */
  ended: 'closed' | 'reset' | 'open';
}

/** One connection to `url`, open and ready to write on. */
export function openConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The text of a keep-alive GET, as a client pipelining it writes it. */
export function getRequest(url: string, path: string): string {
  return `GET ${path} HTTP/1.1\r\nhost: ${new URL(url).host}\r\nconnection: keep-alive\r\naccept: application/json\r\n\r\n`;
}

/**
 * Reads the answers a connection gets (each framed by its content-length, as the server's JSON
 * answers are) until the server closes or resets it; `settled` resolves then. `outcome` is read at any time.
 */
export function readAnswers(socket: Socket): { outcome: ConnectionOutcome; settled: Promise<ConnectionOutcome>; answers(count: number): Promise<void> } {
  const outcome: ConnectionOutcome = { statuses: [], connectionHeaders: [], ended: 'open' };
  let buffer = Buffer.alloc(0);
  const waiting: { count: number; resolve: () => void }[] = [];
  const parse = () => {
    parseFrames();
    for (const w of waiting.filter((w) => outcome.statuses.length >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  const parseFrames = () => {
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const length = Number(/^content-length:\s*(\d+)/im.exec(head.join('\n'))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      outcome.statuses.push(Number(head[0]?.split(' ')[1]));
      outcome.connectionHeaders.push((/^connection:\s*(.*)$/im.exec(head.join('\n'))?.[1] ?? '').trim().toLowerCase());
      buffer = buffer.subarray(end + 4 + length);
    }
  };
  const settled = new Promise<ConnectionOutcome>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      parse();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') outcome.ended = 'reset';
    });
    socket.on('close', () => {
      if (outcome.ended === 'open') outcome.ended = 'closed';
      resolve(outcome);
    });
  });
  const answers = (count: number) =>
    new Promise<void>((resolve, reject) => {
      if (outcome.statuses.length >= count) return resolve();
      waiting.push({ count, resolve });
      void settled.then(() => outcome.statuses.length < count && reject(new Error(`the connection ended after ${outcome.statuses.length} answers, not ${count}`)));
    });
  return { outcome, settled, answers };
}

/** Writes `text` and resolves once the kernel has it (the server's socket buffer then holds it, or soon will). */
export function written(socket: Socket, text: string): Promise<void> {
  return new Promise((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Resolves with the first of `lines` (as they keep coming) matching `pattern`, or rejects after `waitMs`. */
export function lineMatching(lines: string[], pattern: RegExp, waitMs = 30_000): Promise<string> {
  const deadline = Date.now() + waitMs;
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = lines.find((l) => pattern.test(l));
      if (found !== undefined) return resolve(found);
      if (Date.now() > deadline) return reject(new Error(`no line matching ${pattern} within ${waitMs / 1000} s:\n${lines.join('\n')}`));
      setTimeout(look, 10);
    };
    look();
  });
}
