import type { ServiceContext } from './context.js';
import type { HubService } from './federation/hub-service.js';
import type { NationalListService } from './federation/national-list-service.js';

/** What an operator's dashboard reads at each scrape: states, not events. */
export interface OperationsFigures {
  redecisionQueue: { depth: number; oldestQueuedAt: number | null };
  sunsetsPending: number;
  reclaimsPending: number;
  changeFeed: { upToDate: boolean; reconnects: number };
  /** PostgreSQL's pool; undefined on SQLite (one connection, no pool). */
  pool: { size: number; inUse: number; waiting: number } | undefined;
  /** The hub's members (none elsewhere): operator ids are public. */
  members: { id: string; fresh: boolean; lastSuccessAt: number | null }[];
  nationalList: { sequence: number; expiresAt: number } | null;
}

/**
 * Reads the figures operators watch, each with one small query (counts and minimums over short
 * tables or indexed columns): called on a metrics scrape, never on a resident's request.
 */
export class OperationsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly hub: HubService,
    private readonly nationalList: NationalListService,
  ) {}

  async figures(): Promise<OperationsFigures> {
    const { stores, database } = this.ctx;
    const [depth, oldestQueuedAt, sunsets, reclaimsPending, members, nationalList] = await Promise.all([
      stores.redecisions.size(),
      stores.redecisions.oldestQueuedAt(),
      stores.sunsets.open(),
      stores.reclaims.countOpen(),
      this.hub.enabled ? this.hub.members() : Promise.resolve([]),
      this.nationalList.held(),
    ]);
    return {
      redecisionQueue: { depth, oldestQueuedAt },
      sunsetsPending: sunsets.length,
      reclaimsPending,
      changeFeed: { upToDate: database.changes.upToDate(), reconnects: database.changes.reconnects?.() ?? 0 },
      pool: database.pool?.(),
      members: members.map((m) => ({ id: m.id, fresh: m.status === 'fresh', lastSuccessAt: m.lastSuccessAt })),
      nationalList,
    };
  }
}
