import { InvalidInputError } from '../domain/field-errors.js';
import { regionName, regionPrefix } from '../domain/regions.js';
import type { ServiceContext } from './context.js';

/**
 * Why a region collects no personal data any more, or undefined while it does. A region's sunset,
 * once approved, promises that nothing more is collected there; a district key made after the old
 * one was destroyed would start the collection again unseen. Asked wherever a resident row is written.
 */
export async function regionEnded(ctx: Pick<ServiceContext, 'stores'>, region: string): Promise<string | undefined> {
  const ended = (await ctx.stores.sunsets.ending()).find((s) => region.startsWith(regionPrefix(s.region)));
  if (!ended) return undefined;
  const name = regionName(ended.region) ?? ended.region;
  const when = ended.done_at === null ? 'is ending' : `ended on ${new Date(ended.done_at).toISOString().slice(0, 10)}`;
  return `the health code in ${name} ${when} (sunset ${ended.id}): nothing is collected there any more`;
}

/** `regionEnded` as a refusal of the field that named the region. */
export async function refuseEndedRegion(ctx: Pick<ServiceContext, 'stores'>, region: string, field = 'address.region'): Promise<void> {
  const ended = await regionEnded(ctx, region);
  if (ended !== undefined) throw new InvalidInputError([{ field, message: ended }]);
}
