import { DEFAULT_APPEAL_DEADLINE_HOURS } from '../../config.js';
import { COLOURS, type Colour } from '../../domain/colour.js';
import { DAY_MS, HOUR_MS } from '../../domain/clock.js';
import { localDate } from '../../domain/declaration.js';
import { localInstant } from '../../domain/rules/decide.js';
import { regionName, regionPrefix } from '../../domain/regions.js';
import { DEFAULT_SMALL_COUNT, shownParts, shownSum, sumShown, type ShownCount } from '../../domain/small-counts.js';
import type { ServiceContext } from '../context.js';
import { ForbiddenError } from '../service-errors.js';
import type { StaffMember } from '../staff-service.js';

type Counts = Record<Colour, ShownCount>;
/** What a district's residents are counted by: their colour, or never decided yet. */
const TALLIES = [...COLOURS, 'undecided'] as const;
type Tally = (typeof TALLIES)[number];
/** A group's residents as shown: by colour, and those never decided (a new registration, gray until its first declaration). */
interface ShownResidents {
  counts: Counts;
  undecided: ShownCount;
}

/**
 * Every count is of residents (or venues, for scans) of the region answered, and is shown as
 * `ShownCount`: a district's count under the small-count threshold only as a range, and every
 * larger total as the sum of its districts' counts as shown (src/domain/small-counts.ts).
 */
export interface Dashboard {
  generatedAt: number;
  /** The region answered: the one asked, else the caller's own; CN for every region this operator serves. */
  region: string;
  /** Counts from 1 to this less one are shown as a range (HEALTHCODE_SMALL_COUNT). */
  smallCount: number;
  /** Residents by their current colour, per county-level region of their home address. */
  coloursByRegion: ({ region: string; regionName: string } & ShownResidents)[];
  /**
   * The same per city (prefecture level), for a city or any region above it: each the sum of its
   * districts as shown, so that a city less its other districts gives no hidden one back.
   */
  coloursByCity: ({ region: string; regionName: string } & ShownResidents)[];
  /** Residents by colour (and never decided) at the end of each of the last days. */
  colourHistory: ({ date: string } & ShownResidents)[];
  /** Scans and place-code visits at the region's venues in each of the last 24 hours, and how many were admitted. */
  scansPerHour: { hour: number; scans: ShownCount; admitted: ShownCount }[];
  /** Quarantines that end on each of the coming days if check-ins go on clean. */
  quarantinesEnding: { date: string; residents: ShownCount }[];
  /** Open appeals past their deadline. */
  appealsOverdue: ShownCount;
  /** Corrections each staff member proposed and approved in the last 30 days. */
  correctionsByStaff: { staffId: string; name: string; proposed: ShownCount; approved: ShownCount }[];
}

/** The code prefix of the region a staff member asks about; refuses one outside the region they answer for. */
export function dashboardScope(staff: StaffMember, asked: string | undefined): { prefix: string; region: string } {
  const own = staff.region === null ? '' : regionPrefix(staff.region);
  if (asked === undefined) return { prefix: own, region: staff.region ?? 'CN' };
  const prefix = regionPrefix(asked);
  if (!prefix.startsWith(own)) {
    throw new ForbiddenError(`${staff.name} answers for ${regionName(staff.region!) ?? staff.region} (${staff.region}); region ${asked}${regionName(asked) ? ` (${regionName(asked)})` : ''} is outside it`, { field: 'region', reason: 'outside-jurisdiction' });
  }
  return { prefix, region: asked };
}

/** Aggregates for the authority's dashboard: counts only, never a person, and none small enough to point at one. */
export class StatsService {
  constructor(private readonly ctx: ServiceContext) {}

  async dashboard(staff: StaffMember, options: { region?: string; days?: number } = {}): Promise<Dashboard> {
    const { prefix, region } = dashboardScope(staff, options.region);
    const now = this.ctx.clock.now().getTime();
    const tz = this.ctx.settings.timeZone;
    const k = this.ctx.settings.smallCount ?? DEFAULT_SMALL_COUNT;
    const { stats, appeals, corrections, staff: staffStore } = this.ctx.stores;
    const days = options.days ?? 14;

    const coloursByRegion = [...perDistrict(await stats.coloursByRegion(prefix), await stats.undecidedByRegion(prefix))]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, tally]) => ({ region: code, regionName: regionName(code) ?? code, ...shownResidents(tally, k) }));
    // A city's row is its districts' rows as shown, summed: never its exact count.
    const cities = new Map<string, ShownResidents[]>();
    for (const row of prefix.length <= 4 ? coloursByRegion : []) {
      const city = `${row.region.slice(0, 4)}00`;
      cities.set(city, [...(cities.get(city) ?? []), row]);
    }
    const coloursByCity = [...cities].map(([code, rows]) => ({ region: code, regionName: regionName(code) ?? code, ...sumResidents(rows) }));

    // A resident's colour at a day's end is that of their last decision recorded before it.
    const colourHistory: Dashboard['colourHistory'] = [];
    for (let back = days - 1; back >= 0; back--) {
      const date = localDate(new Date(now - back * DAY_MS), tz);
      const end = back === 0 ? now : localInstant(localDate(new Date(now - (back - 1) * DAY_MS), tz), 0, tz);
      // Each district's residents that day are one group: its parts shown, then summed over the districts.
      const shown = [...perDistrict(await stats.coloursAt(end, prefix), await stats.undecidedAt(end, prefix)).values()].map((tally) => shownResidents(tally, k));
      colourHistory.push({ date, ...sumResidents(shown) });
    }

    const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
    const perHour = await stats.scansPerHour(hourStart - 23 * HOUR_MS, now, prefix);
    const scansPerHour = Array.from({ length: 24 }, (_, i) => {
      const start = hourStart - (23 - i) * HOUR_MS;
      const cells = perHour.filter((r) => r.hour === start / HOUR_MS);
      // A district's scans in the hour are one group, admitted and refused its parts: refused ones are non-green codes.
      const shown = cells.map((r) => shownParts([r.admitted, r.refused], k));
      return { hour: start, scans: sumShown(shown.flat()), admitted: sumShown(shown.map(([admitted]) => admitted!)) };
    });

    // A district's quarantined residents are one group, the days they end its parts: one red
    // resident's day must not stand alone among exact zeros.
    const dates = Array.from({ length: days }, (_, i) => localDate(new Date(now + i * DAY_MS), tz));
    const ending = new Map<string, number[]>();
    for (const { region: home, greenOn } of await stats.quarantineEnds(now, now + days * DAY_MS, prefix)) {
      const day = dates.indexOf(localDate(new Date(greenOn), tz));
      if (day < 0) continue;
      const parts = ending.get(home) ?? dates.map(() => 0);
      parts[day]! += 1;
      ending.set(home, parts);
    }
    const endingShown = [...ending.values()].map((parts) => shownParts(parts, k));
    const quarantinesEnding = dates.map((date, day) => ({ date, residents: sumShown(endingShown.map((parts) => parts[day]!)) }));

    const deadlineMs = (this.ctx.settings.appealDeadlineHours ?? DEFAULT_APPEAL_DEADLINE_HOURS) * HOUR_MS;
    const appealsOverdue = shownSum((await appeals.overdueByRegion(now, deadlineMs, prefix)).map((r) => r.n), k);

    const byStaff = new Map<string, { proposed: number[]; approved: number[] }>();
    for (const r of await corrections.countsByStaff(now - 30 * DAY_MS, prefix)) {
      const cells = byStaff.get(r.staffId) ?? { proposed: [], approved: [] };
      cells.proposed.push(r.proposed);
      cells.approved.push(r.approved);
      byStaff.set(r.staffId, cells);
    }
    const names = await staffStore.names([...byStaff.keys()]);
    const correctionsByStaff = [...byStaff]
      .map(([staffId, cells]) => ({ staffId, name: names.get(staffId) ?? staffId, proposed: shownSum(cells.proposed, k), approved: shownSum(cells.approved, k) }))
      // Ordered by the counts as shown: an order by the exact ones would tell two hidden counts apart.
      .sort((a, b) => upper(b.proposed) + upper(b.approved) - (upper(a.proposed) + upper(a.approved)) || a.name.localeCompare(b.name));

    return { generatedAt: now, region, smallCount: k, coloursByRegion, coloursByCity, colourHistory, scansPerHour, quarantinesEnding, appealsOverdue, correctionsByStaff };
  }
}

const zero = (): Record<Tally, number> => Object.fromEntries(TALLIES.map((c) => [c, 0])) as Record<Tally, number>;
/** Rows of (district, colour, count) and of (district, never decided) as each district's tally. */
const perDistrict = (rows: readonly { region: string; colour: string; n: number }[], undecided: readonly { region: string; n: number }[]): Map<string, Record<Tally, number>> => {
  const districts = new Map<string, Record<Tally, number>>();
  for (const row of [...rows, ...undecided.map((r) => ({ ...r, colour: 'undecided' }))]) {
    const tally = districts.get(row.region) ?? zero();
    tally[row.colour as Tally] += row.n;
    districts.set(row.region, tally);
  }
  return districts;
};
const upper = (c: ShownCount): number => (typeof c === 'number' ? c : c.atMost);
const perColour = (count: (c: Colour) => ShownCount): Counts => Object.fromEntries(COLOURS.map((c) => [c, count(c)])) as Counts;
/** One district's residents by colour and never decided, as shown: one group (shownParts), so a lone new registration hides as a red one does. */
const shownResidents = (tally: Record<Tally, number>, k: number): ShownResidents => {
  const shown = shownParts(TALLIES.map((c) => tally[c]), k);
  return { counts: perColour((c) => shown[TALLIES.indexOf(c)]!), undecided: shown[TALLIES.indexOf('undecided')]! };
};
/** Groups as shown, summed part by part (sumShown). */
const sumResidents = (groups: readonly ShownResidents[]): ShownResidents => ({
  counts: perColour((c) => sumShown(groups.map((g) => g.counts[c]))),
  undecided: sumShown(groups.map((g) => g.undecided)),
});
