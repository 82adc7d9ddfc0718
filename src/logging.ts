import { pino, type Bindings, type DestinationStream, type Logger } from 'pino';

/**
 * pino's `isoTime` (`,"time":"<ISO 8601>"`), the same text, made once a millisecond rather than for
 * every line: a server logs a line per request, thousands a second, and most share their millisecond.
 */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastTimeMs) {
    lastTimeMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}
let lastTimeMs = Number.NaN;
let lastTime = '';

/** Loggers made here, with the options below: the ones whose lines `requestCompletedLine` can write itself. */
const madeHere = new WeakSet<Logger>();

/**
 * Structured JSON logs. Personal data never reaches them: requests are logged by route template and
 * status, bodies never; the redaction below is a second line of defence for headers. `bindings` go
 * on every line after `service` (a worker's index).
 */
export function createLogger(level: string, destination?: DestinationStream, bindings: Bindings = {}): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'healthcode', ...bindings },
      timestamp: isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; routeOptions?: { url?: string }; id?: string }) => ({
          method: req.method,
          route: req.routeOptions?.url ?? 'unmatched',
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
  madeHere.add(logger);
  return logger;
}

/** Writes the line a request completes with. */
export type CompletedLine = (reqId: string, method: string, route: string | undefined, statusCode: number, responseTime: number) => void;

/** What the line of a request with a usual id (a UUID) holds as its id: written as it is, nothing to escape. */
const PLAIN_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * The line each request completes with (`request completed`: id, method, route template, status,
 * time), written for a logger made by `createLogger` as the very bytes pino writes, without pino's
 * work for a line of any shape (serializers, redaction, a stringifier per field): about a tenth of a
 * code view's CPU. Any other logger, or an id that would need escaping, gets the line from pino.
 */
export function requestCompletedLine(logger: Logger): CompletedLine {
  const slow: CompletedLine = (reqId, method, route, statusCode, responseTime) =>
    logger.info({ reqId, req: { method, routeOptions: { url: route } }, res: { statusCode }, responseTime }, 'request completed');
  const stream = (logger as unknown as Record<symbol, (DestinationStream & Record<symbol, unknown>) | undefined>)[pino.symbols.streamSym];
  // A stream that reads each line's level and fields (pino.multistream) needs pino to hand them over.
  if (!madeHere.has(logger) || stream === undefined || stream[pino.symbols.needsMetadataGsym] === true) return slow;
  // As pino writes its bindings: each key and value JSON, in order.
  const bound = Object.entries(logger.bindings())
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
  const number = (n: number) => (Number.isFinite(n) ? String(n) : 'null');
  // A route template and a method the HTTP parser knows: few of each, each pair's text made once.
  const reqTexts = new Map<string | undefined, Map<string, string>>();
  const reqText = (method: string, route: string | undefined) => {
    let byMethod = reqTexts.get(route);
    if (byMethod === undefined) reqTexts.set(route, (byMethod = new Map()));
    let text = byMethod.get(method);
    if (text === undefined) byMethod.set(method, (text = JSON.stringify({ method, route: route ?? 'unmatched' })));
    return text;
  };
  return (reqId, method, route, statusCode, responseTime) => {
    if (!logger.isLevelEnabled('info')) return;
    if (!PLAIN_ID.test(reqId)) return slow(reqId, method, route, statusCode, responseTime);
    const req = reqText(method, route);
    stream.write(`{"level":30${isoTime()}${bound},"reqId":"${reqId}","req":${req},"res":{"statusCode":${number(statusCode)}},"responseTime":${number(responseTime)},"msg":"request completed"}\n`);
  };
}

/** How long a line may wait to be written with those after it, and how much text (UTF-16 units) may wait before it is written at once. */
export interface Batching {
  intervalMs: number;
  maxPendingChars: number;
}

/** A server's lines every 10 ms, one write for a few hundred of them at a city's peak. */
export const LOG_BATCHING: Batching = { intervalMs: 10, maxPendingChars: 64 * 1024 };

/** Where the lines go: standard output, written asynchronously (pino's SonicBoom). */
export interface LineSink {
  write(text: string): void;
  flushSync(): void;
}

/**
 * Standard output, written in the background: written synchronously, the line each request logs
 * cost a system call of its own on every code view, and written after each turn of the event loop
 * a write (a thread woken, a pipe written) still served only the few requests of that turn, about a
 * tenth of a warm code view's CPU. Lines go out together every `intervalMs` (at once past
 * `maxPendingChars`); what is left is written synchronously when the process exits (by process.exit
 * or a crash).
 */
export function stdoutInBackground(out: LineSink = pino.destination({ dest: 1, sync: false }), { intervalMs, maxPendingChars }: Batching = LOG_BATCHING): DestinationStream {
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | undefined;
  let exiting = false;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingChars = 0;
    out.write(text);
  };
  process.once('exit', () => {
    exiting = true;
    flush();
    out.flushSync();
  });
  return {
    write(line: string) {
      pending.push(line);
      pendingChars += line.length;
      // Logged while exiting (another exit handler): no later turn will come.
      if (exiting) {
        flush();
        out.flushSync();
      } else if (pendingChars >= maxPendingChars) flush();
      // Unref'd: waiting lines never keep a process alive; its exit writes them.
      else timer ??= setTimeout(flush, intervalMs).unref();
    },
  };
}
