import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LogFn = FastifyBaseLogger['info'];

const METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// The log methods, one per level, are put on the prototype below (one function each, not one per request).
export interface LazyRequestLogger extends Pick<FastifyBaseLogger, (typeof METHODS)[number]> {}

/**
 * A request's logger, made only when the request logs something of its own. Fastify makes a child
 * logger (bound to the request id) for every request; a pino child costs about as much as a log
 * line, and most requests log nothing but the line they complete with, which the app writes with
 * the request id itself. The first use makes the child, with the same bindings and options, so a
 * line logged through it is the line the child would have written.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The child logger, made now if not yet. */
  get made(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options));
  }

  /** Whether the request has logged through its own logger (and so made it). */
  get materialized(): boolean {
    return this.#made !== undefined;
  }

  get level(): FastifyBaseLogger['level'] {
    return this.#made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: FastifyBaseLogger['level']) {
    this.made.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, options);
  }
}

for (const method of METHODS) {
  LazyRequestLogger.prototype[method] = function (this: LazyRequestLogger, ...args: unknown[]) {
    const logger = this.made;
    (logger[method] as (...args: unknown[]) => void).apply(logger, args);
  } as LogFn;
}

/** Fastify's `childLoggerFactory`: each request's logger made lazily (LazyRequestLogger). */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
