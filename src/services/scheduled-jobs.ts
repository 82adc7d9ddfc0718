import type { Logger } from 'pino';
import { DAY_MS, MINUTE_MS } from '../domain/clock.js';
import { federationRefreshMs } from './context.js';
import type { Services } from './services.js';

/** At most this many residents are re-decided a minute, so a backlog never starves the API. */
export const SWEEP_BATCH = 5000;

/**
 * What the server does by itself: colours that change with time alone (a quarantine ends) are
 * re-decided every minute, appeals past their deadline escalated, and retention is enforced daily,
 * not promised.
 */
export class ScheduledJobs {
  #timers: NodeJS.Timeout[] = [];
  #refreshing = false;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
    private readonly retentionDays: number,
  ) {}

  /**
   * Re-decides residents still queued after a change (a crash can leave them so) and those whose
   * stored decision time alone may have changed (a window closed, a quarantine or a day ended).
   */
  async sweepDecisions(): Promise<{ redecided: number; colourChanges: number; notified: number }> {
    const queued = await this.services.authority.redecideQueued(undefined, SWEEP_BATCH);
    const due = await this.services.decisions.dueForRedecision(SWEEP_BATCH);
    // A quarantine ending at greenOn is one of these: its decision's valid_until is that instant, so
    // the sweep re-decides it within the minute and the change is told like any other.
    const timed = await this.services.decisions.redecide(due, 'time passed');
    // Notices a crash or a failed gateway left unsent since they were queued.
    const late = await this.services.notices.deliver();
    const result = { redecided: queued.redecided + timed.redecided, colourChanges: queued.colourChanges + timed.colourChanges, notified: queued.notified + timed.notified + late };
    if (result.redecided > 0 || late > 0) this.logger.info({ ...result, queued: queued.redecided, lateNotices: late }, 'scheduled re-decision');
    return result;
  }

  async purge(): Promise<{ scans: number; checkIns: number; oauthRecords: number; signInCodes: number }> {
    const deleted = { ...(await this.services.scans.purge(this.retentionDays)), oauthRecords: await this.services.hostApps.purgeExpired(), signInCodes: await this.services.signIn.purgeExpiredSignInCodes() };
    this.logger.info({ ...deleted, retentionDays: this.retentionDays }, 'retention purge');
    return deleted;
  }

  /**
   * Federation: a hub fetches its members' trust lists and publishes; a member fetches the hub's
   * national list. A slow member can make a round outlast the interval: the next waits its turn.
   */
  async refreshTrust(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      if (this.services.hub.enabled) await this.services.hub.refreshAll();
      if (this.services.settings.federation?.hubUrl !== undefined) await this.services.nationalList.refresh();
    } finally {
      this.#refreshing = false;
    }
  }

  /** Runs the jobs once now, then on their schedules; a failed run is logged and retried next time. */
  start(): void {
    const run = (name: string, job: () => Promise<unknown>) => () => void job().catch((error: unknown) => this.logger.error({ err: error }, `${name} failed`));
    run('retention purge', () => this.purge())();
    run('scheduled re-decision', () => this.sweepDecisions())();
    run('trust list refresh', () => this.refreshTrust())();
    run('appeal escalation', () => this.services.appeals.escalateOverdue())();
    const refreshMs = federationRefreshMs(this.services.settings);
    this.#timers.push(
      setInterval(run('scheduled re-decision', () => this.sweepDecisions()), MINUTE_MS),
      setInterval(run('appeal escalation', () => this.services.appeals.escalateOverdue()), MINUTE_MS),
      setInterval(run('retention purge', () => this.purge()), DAY_MS),
      setInterval(run('trust list refresh', () => this.refreshTrust()), refreshMs),
    );
    for (const timer of this.#timers) timer.unref();
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }
}
