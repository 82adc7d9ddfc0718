import { COLOURS, type Colour } from '../../domain/colour.js';
import { DAY_MS, HOUR_MS } from '../../domain/clock.js';
import { localDate } from '../../domain/declaration.js';
import { localInstant } from '../../domain/rules/decide.js';
import { regionName, regionPrefix } from '../../domain/regions.js';
import type { ServiceContext } from '../context.js';

type Counts = Record<Colour, number>;

export interface Dashboard {
  generatedAt: number;
  /** Residents by their current colour, per county-level region of their home address. */
  coloursByRegion: { region: string; regionName: string; counts: Counts }[];
  /** Residents by colour at the end of each of the last days, for `region` (a code or prefix) or everyone. */
  colourHistory: { date: string; counts: Counts }[];
  /** Scans and place-code visits in each of the last 24 hours, and how many were admitted. */
  scansPerHour: { hour: number; scans: number; admitted: number }[];
  /** Quarantines that end on each of the coming days if check-ins go on clean. */
  quarantinesEnding: { date: string; residents: number }[];
}

const zero = (): Counts => Object.fromEntries(COLOURS.map((c) => [c, 0])) as Counts;

/** Aggregates for the authority's dashboard: counts only, never a person. */
export class StatsService {
  constructor(private readonly ctx: ServiceContext) {}

  async dashboard(options: { region?: string; days?: number } = {}): Promise<Dashboard> {
    const now = this.ctx.clock.now();
    const tz = this.ctx.settings.timeZone;
    const stats = this.ctx.stores.stats;
    const days = options.days ?? 14;
    // A city or province code stands for everything under it: 330100 → 3301, 330000 → 33.
    const prefix = regionPrefix(options.region ?? '');

    const byRegion = new Map<string, Counts>();
    for (const row of await stats.coloursByRegion()) {
      const counts = byRegion.get(row.region) ?? zero();
      counts[row.colour as Colour] += row.n;
      byRegion.set(row.region, counts);
    }

    // A resident's colour at a day's end is that of their last decision recorded before it.
    const colourHistory: Dashboard['colourHistory'] = [];
    for (let back = days - 1; back >= 0; back--) {
      const date = localDate(new Date(now.getTime() - back * DAY_MS), tz);
      const end = back === 0 ? now.getTime() : localInstant(localDate(new Date(now.getTime() - (back - 1) * DAY_MS), tz), 0, tz);
      const counts = zero();
      for (const r of await stats.coloursAt(end, prefix)) counts[r.colour as Colour] += r.n;
      colourHistory.push({ date, counts });
    }

    const hourStart = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const perHour = await stats.scansPerHour(hourStart - 23 * HOUR_MS, now.getTime());
    const scansPerHour = Array.from({ length: 24 }, (_, i) => {
      const start = hourStart - (23 - i) * HOUR_MS;
      const row = perHour.get(start / HOUR_MS);
      return { hour: start, scans: row?.scans ?? 0, admitted: row?.admitted ?? 0 };
    });

    const endingByDate = new Map<string, number>();
    for (const greenOn of await stats.quarantineEnds(now.getTime(), now.getTime() + days * DAY_MS)) {
      const date = localDate(new Date(greenOn), tz);
      endingByDate.set(date, (endingByDate.get(date) ?? 0) + 1);
    }
    const quarantinesEnding = Array.from({ length: days }, (_, i) => {
      const date = localDate(new Date(now.getTime() + i * DAY_MS), tz);
      return { date, residents: endingByDate.get(date) ?? 0 };
    });

    return {
      generatedAt: now.getTime(),
      coloursByRegion: [...byRegion].sort(([a], [b]) => a.localeCompare(b)).map(([region, counts]) => ({ region, regionName: regionName(region) ?? region, counts })),
      colourHistory,
      scansPerHour,
      quarantinesEnding,
    };
  }
}
