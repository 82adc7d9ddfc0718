import type { Clock } from '../domain/clock.js';
import { InvalidInputError } from '../domain/field-errors.js';
import { regionName, regionPrefix } from '../domain/regions.js';
import type { SunsetStore } from '../store/oversight/sunset-store.js';

/** How long a process trusts its view of the ended regions for an early refusal. */
const VIEW_MS = 5000;

/** The refusal of personal data for a region whose sunset was approved, naming the field that gave it. */
export function regionEndedError(region: string, field = 'address.region'): InvalidInputError {
  return new InvalidInputError([{ field, message: `the health code in ${regionName(region) ?? region} has ended (its sunset was approved): nothing is collected there any more` }]);
}

/**
 * Regions whose sunset was approved collect nothing new: a district key made after the old one was
 * destroyed would start the collection again unseen. The resident insert refuses them itself, in
 * the same statement (ResidentsStore.insert); this is the early refusal, before an SMS code or a home
 * operator's grant is spent, from a view of the sunsets at most a few seconds old.
 */
export class EndedRegions {
  #view: { at: number; prefixes: string[] } | undefined;

  constructor(
    private readonly sunsets: SunsetStore,
    private readonly clock: Clock,
  ) {}

  async refuse(region: string, field = 'address.region'): Promise<void> {
    const now = this.clock.now().getTime();
    if (!this.#view || now - this.#view.at > VIEW_MS || now < this.#view.at) {
      this.#view = { at: now, prefixes: (await this.sunsets.ending()).map((s) => regionPrefix(s.region)) };
    }
    if (this.#view.prefixes.some((prefix) => region.startsWith(prefix))) throw regionEndedError(region, field);
  }

  /** Forgets the view: this process approved a sunset just now. */
  forget(): void {
    this.#view = undefined;
  }
}
