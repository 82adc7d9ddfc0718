import type { DistrictChanges } from '../shown-changes.js';

/** What a re-decision did to the residents of one home district. */
interface DistrictTally {
  residents: number;
  /** Residents per change of colour, keyed `from>to`; `none` is a resident never decided before. */
  transitions: Map<string, number>;
  /** Residents per colour they kept (decided again to the colour they had). */
  kept: Map<string, number>;
  /** Phones texted about their changes of colour (their own or their relatives'). */
  notified: number;
}

/** One district's changes as a preview counts them, with the phones texted about them. */
export type DistrictSaved = DistrictChanges & { notified: number };

/**
 * What a re-decision did, per home district of the residents decided: kept while it runs (no
 * query), so that a save can answer counts of the caller's own region only, as its preview does.
 */
export class DistrictTallies {
  private readonly districts = new Map<string, DistrictTally>();

  private of(district: string): DistrictTally {
    let tally = this.districts.get(district);
    if (!tally) this.districts.set(district, (tally = { residents: 0, transitions: new Map(), kept: new Map(), notified: 0 }));
    return tally;
  }

  /** A resident of `district` decided, going from colour `from` (`none`: never decided) to `to`. */
  decided(district: string, from: string, to: string): void {
    const tally = this.of(district);
    tally.residents += 1;
    if (from !== to) tally.transitions.set(`${from}>${to}`, (tally.transitions.get(`${from}>${to}`) ?? 0) + 1);
    else tally.kept.set(from, (tally.kept.get(from) ?? 0) + 1);
  }

  /** `phones` texted about a resident of `district`. */
  texted(district: string, phones: number): void {
    this.of(district).notified += phones;
  }

  /** Another run's tallies added to these (the residents a run lost, decided again). */
  add(other: DistrictTallies): void {
    for (const [district, t] of other.districts) {
      const tally = this.of(district);
      tally.residents += t.residents;
      tally.notified += t.notified;
      for (const [key, n] of t.transitions) tally.transitions.set(key, (tally.transitions.get(key) ?? 0) + n);
      for (const [colour, n] of t.kept) tally.kept.set(colour, (tally.kept.get(colour) ?? 0) + n);
    }
  }

  /** The districts `counted` accepts, each as a preview's district is counted. */
  counted(counted: (district: string) => boolean): DistrictSaved[] {
    return [...this.districts].filter(([district]) => counted(district)).map(([, t]) => ({
      residents: t.residents,
      notified: t.notified,
      kept: [...t.kept].map(([colour, residents]) => ({ colour, residents })),
      transitions: [...t.transitions].map(([key, residents]) => {
        const [from, to] = key.split('>') as [string, string];
        return { from, to, residents };
      }),
    }));
  }
}
