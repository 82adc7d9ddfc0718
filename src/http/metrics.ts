import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { COLOURS } from '../domain/colour.js';
import { REJECTION_REASONS } from '../codes/token-verifier.js';
import type { Meter, ScanOutcome, ServedFrom, SmsLimit, SmsPurpose } from '../services/meter.js';
import type { Services } from '../services/services.js';
import { TooManyRequestsError } from '../services/service-errors.js';
import { OverloadedError } from './problem.js';
import { installOperationsGauges } from './operations-metrics.js';
import { RequestMetrics } from './request-metrics.js';
import { countedAtScrape } from './counted-at-scrape.js';

const SERVED_FROM: readonly ServedFrom[] = ['memory', 'database'];
/** Every reason a scan is counted under: a fixed set, whatever a device sends. */
export const SCAN_REASONS = ['allowed', 'colour-not-admitted', 'malformed-row', ...REJECTION_REASONS] as const;
const SMS_PURPOSES: readonly SmsPurpose[] = ['sign-in-code', 'notice'];
const SMS_LIMITS: readonly SmsLimit[] = ['per-phone', 'total'];
/** The methods the API answers; any other a client sends (TRACE, LOCK, ...) is counted as `other`, so none can add series. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What /metrics answers with: this process's registry, or (workers) the whole service's figures. */
export interface MetricsExposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsOptions {
  /**
   * This process's place among `serve --workers N`: figures of the process itself (memory, event
   * loop, change feed) carry it as the label `worker`, so that once the workers' figures are added
   * together each still shows apart. Counters of requests and events carry no such label: summed.
   */
  worker?: number;
  /** Request limits are counted together by every process (Redis), not by each on its own. */
  limitsShared?: boolean;
}

/** The app's metrics, and the call that records a request done (the app's one onResponse hook makes it). */
export interface InstalledMetrics {
  registry: Registry;
  /** A request answered: its method, route template (undefined: no route), status and time in ms. */
  requestDone(method: string, route: string | undefined, statusCode: number, elapsedMs: number): void;
}

/**
 * Prometheus metrics for one app instance (text at /metrics). Every label comes from a small fixed
 * set (a colour, a reason, a route's pattern, a member operator's public id, a worker's index), never
 * from a request's data: no resident, phone, name or token can reach a label.
 */
export function installMetrics(app: FastifyInstance, services: Services, { worker, limitsShared = false }: MetricsOptions = {}): InstalledMetrics {
  const registry = new Registry();
  const processLabels: Record<string, string> = worker === undefined ? {} : { worker: String(worker) };
  collectDefaultMetrics({ register: registry, prefix: 'healthcode_', labels: processLabels });
  const requests = new RequestMetrics({
    registry,
    duration: { name: 'healthcode_http_request_duration_seconds', help: 'HTTP request duration by method, route template and status', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
    total: { name: 'healthcode_http_requests_total', help: 'HTTP requests by method, route template and status' },
  });
  const shed = new Counter({ name: 'healthcode_http_requests_shed_total', help: 'Requests refused at once (503 overloaded) by load shedding, by route template', labelNames: ['route'] as const, registers: [registry] });
  const limited = new Counter({ name: 'healthcode_http_requests_limited_total', help: 'Requests refused (429) by a request limit, by route template', labelNames: ['route'] as const, registers: [registry] });
  const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';
  // A hook that calls back rather than returns a promise: each request's would cost a promise and a
  // turn of the microtask queue, for work that never waits.
  app.addHook('onError', (request, _reply, error, done) => {
    if (error instanceof OverloadedError) shed.inc({ route: routeOf(request) });
    else if (error instanceof TooManyRequestsError) limited.inc({ route: routeOf(request) });
    done();
  });

  const detach = services.meter.attach(domainMeter(registry));
  app.addHook('onClose', async () => detach());
  installOperationsGauges(registry, services, { processLabels, limitsShared }, (error) => app.log.warn({ err: { message: error.message } }, 'operations figures could not be read for /metrics'));
  return {
    registry,
    requestDone: (method, route, statusCode, elapsedMs) => requests.observe(METHODS.has(method) ? method : 'other', route ?? 'unmatched', statusCode, elapsedMs / 1000),
  };
}

/** The use cases' events as counters; every label combination starts at 0, so rates exist from the first scrape. */
function domainMeter(registry: Registry): Meter {
  // Counted on every code view: told to prom-client at each scrape (counted-at-scrape.ts).
  const codes = countedAtScrape({ name: 'healthcode_codes_shown_total', help: 'Health codes shown to residents, by colour and by where the code came from (memory: shown again unchanged; database: read or decided, then signed)', labelNames: ['colour', 'served_from'] as const, registers: [registry] });
  const hits = countedAtScrape({ name: 'healthcode_code_cache_hits_total', help: 'Code views answered from the code kept in memory', registers: [registry] }).series({});
  const misses = countedAtScrape({ name: 'healthcode_code_cache_misses_total', help: 'Code views that had to read the database and sign a new code', registers: [registry] }).series({});
  const decisions = new Counter({ name: 'healthcode_decisions_made_total', help: 'Colours decided and recorded (on a code view, a change of facts, or a re-decision)', registers: [registry] });
  const scans = new Counter({ name: 'healthcode_scans_total', help: 'Scans at checkpoints by outcome (accepted: admitted) and reason', labelNames: ['outcome', 'reason'] as const, registers: [registry] });
  const smsSent = new Counter({ name: 'healthcode_sms_sent_total', help: 'Text messages handed to the SMS gateway, by purpose', labelNames: ['purpose'] as const, registers: [registry] });
  const smsRefused = new Counter({ name: 'healthcode_sms_refused_total', help: 'Sign-in codes not sent because a limit was reached, by limit (per-phone back-off, or the total the gateway may send)', labelNames: ['limit'] as const, registers: [registry] });
  const shown = new Map(COLOURS.map((colour) => [colour, new Map(SERVED_FROM.map((from) => [from, codes.series({ colour, served_from: from })]))]));
  for (const reason of SCAN_REASONS) scans.inc({ outcome: reason === 'allowed' ? 'accepted' : 'refused', reason }, 0);
  for (const purpose of SMS_PURPOSES) smsSent.inc({ purpose }, 0);
  for (const limit of SMS_LIMITS) smsRefused.inc({ limit }, 0);
  const known = new Set<string>(SCAN_REASONS);
  return {
    codeShown: (colour, servedFrom) => {
      const series = shown.get(colour)?.get(servedFrom);
      // Every colour and source has its series (above); anything else would be counted as prom-client counts it.
      if (series) series.inc();
      else codes.counter.inc({ colour, served_from: servedFrom });
      (servedFrom === 'memory' ? hits : misses).inc();
    },
    decisionsMade: (count) => decisions.inc(count),
    scanChecked: (outcome: ScanOutcome, reason) => scans.inc({ outcome, reason: known.has(reason) ? reason : 'other' }),
    smsSent: (purpose) => smsSent.inc({ purpose }),
    smsRefused: (limit) => smsRefused.inc({ limit }),
  };
}
