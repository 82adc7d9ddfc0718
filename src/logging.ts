import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Personal data never reaches them: requests are logged by route template and
 * status, bodies never; the redaction below is a second line of defence for headers.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'healthcode' },
      timestamp: pino.stdTimeFunctions.isoTime,
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
}

/**
 * Standard output, written in the background: written synchronously, the line each request logs
 * cost a system call of its own on every code view. Lines logged in one turn of the event loop go
 * out together in one write after it; what is left is written synchronously when the process exits
 * (by process.exit or a crash).
 */
export function stdoutInBackground(): DestinationStream {
  const out = pino.destination({ dest: 1, sync: false });
  let pending: string[] = [];
  let exiting = false;
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    out.write(text);
  };
  process.once('exit', () => {
    exiting = true;
    flush();
    out.flushSync();
  });
  return {
    write(line: string) {
      if (pending.push(line) === 1) setImmediate(flush);
      // Logged while exiting (another exit handler): no later turn will come.
      if (exiting) {
        flush();
        out.flushSync();
      }
    },
  };
}
