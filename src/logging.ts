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
 * cost a system call of its own on every code view; now lines logged while a write is under way go
 * out together in the next. pino writes what is left synchronously when the process exits.
 */
export function stdoutInBackground(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
