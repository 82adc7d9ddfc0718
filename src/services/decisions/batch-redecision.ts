import { channel } from 'node:diagnostics_channel';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import { AlikeFacts, type Evaluated } from '../../domain/decisions/alike-facts.js';
import type { ChunkToEvaluate } from '../../domain/decisions/chunk-evaluation.js';
import { DistrictTallies } from '../../domain/decisions/district-tallies.js';
import { localInstant } from '../../domain/rules/decide.js';
import type { ResidentFacts, RiskAreaFact } from '../../domain/facts.js';
import { firedIds, type CurrentDecision, type StatusKeys } from '../../store/decisions/decisions-store.js';
import type { Database } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import type { NoticesService } from './colour-notices-service.js';
import type { EvaluationPool } from './evaluation-pool.js';
import type { RulesService } from './rules-service.js';

/** What a run did, and the residents whose facts were written while they were decided: their decisions were not saved (DecisionsStore.save), each under its chunk's cause. */
export type BatchRedecided = Redecided & { lost: RedecisionChunk[] };

/** A decision kept as a resident's current one, and whether it changed their colour (from `from`; `none`: never decided). */
export type Kept = CurrentDecision & { colourChanged: boolean; from: string };

/** What a re-decision did: residents decided, how many changed colour, and how many phones were told; and the same per home district of those saved. */
export interface Redecided {
  redecided: number;
  colourChanges: number;
  notified: number;
  districts: DistrictTallies;
}

/** Residents to decide again under one cause; `alongside` runs in the transaction that saves them (taking them off the queue, say). */
export interface RedecisionChunk {
  ids: string[];
  cause: string;
  alongside?: (trx: Transaction<Database>) => Promise<void>;
}

/** Residents decided between two turns of the event loop: the next chunk's reads and the last one's writes go on meanwhile. */
const DECIDED_PER_TURN = 64;

/** Told once a chunk's decisions are committed: what a test that crashes between chunks waits for. */
const chunkSaved = channel('healthcode:redecision-chunk-saved');

/**
 * A resident's decision evaluated from facts already loaded, compared with the keys of the stored
 * one: the one step the one-at-a-time path and the batched one share.
 */
export function keptDecision(facts: ResidentFacts, before: StatusKeys | undefined, { decision, validUntil }: Evaluated, id: string, maskedName: string | null): Kept {
  const changed = !before || before.colour !== decision.colour || before.mark !== decision.mark || before.fired_ids !== firedIds(decision) || before.rule_set_version !== decision.ruleSet.version || before.rule_set_region !== decision.ruleSet.region;
  return {
    id,
    residentId: facts.residentId,
    decision,
    validUntil,
    maskedName: before?.masked_name ?? maskedName,
    region: facts.region,
    changed,
    colourChanged: before?.colour !== decision.colour,
    from: before?.colour ?? 'none',
  };
}

/**
 * Runs chunks through three stages so that the database and the rules engine work at once: while
 * chunk i is decided, chunk i+1 is read and chunk i-1 written. Writes stay in order, one at a time.
 * A stage that fails stops the run once what is in flight has settled: nothing is left unawaited.
 */
export async function pipelined<C, L, D>(chunks: AsyncIterable<C>, load: (chunk: C) => Promise<L>, decide: (loaded: L) => Promise<D>, save: (decided: D) => Promise<void>): Promise<void> {
  const source = chunks[Symbol.asyncIterator]();
  const next = async (): Promise<{ loaded: L } | undefined> => {
    const item = await source.next();
    return item.done ? undefined : { loaded: await load(item.value) };
  };
  let loading = next();
  let saving: Promise<void> = Promise.resolve();
  try {
    for (let current = await loading; current !== undefined; current = await loading) {
      loading = next();
      // A rejection of the read ahead is met when it is awaited; meanwhile it must not count as unhandled.
      loading.catch(() => undefined);
      const decided = await decide(current.loaded);
      await saving;
      saving = save(decided);
      // Likewise a failed write, met at the next chunk's turn to write or at the end.
      saving.catch(() => undefined);
    }
  } finally {
    await Promise.allSettled([loading, saving]);
  }
  await saving;
}

interface Loaded extends RedecisionChunk {
  now: number;
  facts: Map<string, ResidentFacts>;
  previous: Map<string, StatusKeys>;
  /** The residents' facts versions, read before their facts: what the save is conditional on. */
  versions: Map<string, number>;
  /** The risk areas, read after the versions. */
  areas: RiskAreaFact[];
}

/**
 * Re-decides many residents a chunk at a time: each chunk's facts and stored keys are read in a few
 * set-based queries, decided in memory, and saved in one transaction with its colour notices, its
 * history rows and its `alongside` work (DecisionsStore.save), which tells every process their codes
 * changed. A crash between chunks leaves each resident with their old decision or their new one,
 * and the chunks not saved still queued for the next drain.
 */
export class BatchRedecision {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rules: RulesService,
    private readonly notices: NoticesService,
  ) {}

  async run(chunks: AsyncIterable<RedecisionChunk>): Promise<BatchRedecided> {
    const total: BatchRedecided = { redecided: 0, colourChanges: 0, notified: 0, districts: new DistrictTallies(), lost: [] };
    // A resident is decided once per run: household members claiming a document are decided with the
    // chunk of its holder, and again in a later chunk only if queued there too (then skipped).
    const scheduled = new Set<string>();
    const deliveries: Promise<number>[] = [];
    const load = async (chunk: RedecisionChunk): Promise<Loaded> => {
      total.redecided += chunk.ids.length;
      const now = this.ctx.clock.now().getTime();
      const claimants = chunk.ids.length === 0 ? [] : await this.ctx.stores.reclaims.claimantsOf(chunk.ids);
      const ids = [...new Set([...chunk.ids, ...claimants])].filter((id) => !scheduled.has(id));
      for (const id of ids) scheduled.add(id);
      const versions = await this.ctx.stores.facts.versions(ids);
      // Each chunk's risk areas are read after its versions, as its facts are: an area named after
      // that raised the versions of those who stayed there, so the chunk's save gives way for them.
      const areas = await this.ctx.stores.facts.riskAreas(now);
      const [facts, previous] = await Promise.all([this.ctx.stores.facts.load(ids, now, (date) => localInstant(date, 0, this.ctx.settings.timeZone)), this.ctx.stores.decisions.keysOf(ids)]);
      return { ...chunk, ids, now, facts, previous, versions, areas };
    };
    const pool = this.ctx.evaluations;
    const decide = async (loaded: Loaded) => {
      if (pool) return { chunk: loaded, kept: await this.evaluatedAway(pool, loaded, loaded.areas) };
      // Residents of a region with equal facts are evaluated once per chunk (AlikeFacts).
      const byRegion = new Map<string, AlikeFacts>();
      const kept: Kept[] = [];
      for (const id of loaded.ids) {
        const facts = loaded.facts.get(id);
        if (!facts) continue;
        let alike = byRegion.get(facts.region);
        if (!alike) byRegion.set(facts.region, (alike = new AlikeFacts(await this.rules.evaluatorFor(facts.region), loaded.areas, loaded.now)));
        kept.push(keptDecision(facts, loaded.previous.get(id), alike.decide(facts), this.ctx.newId(), null));
        if (kept.length % DECIDED_PER_TURN === 0) await yieldToIo();
      }
      return { chunk: loaded, kept };
    };
    const save = async ({ chunk, kept }: { chunk: Loaded; kept: Kept[] }) => {
      if (kept.length === 0) {
        if (chunk.alongside) await this.ctx.database.transaction(chunk.alongside);
        return;
      }
      const { queued, lost } = await this.ctx.stores.decisions.save(kept, chunk.cause, this.ctx.newId, chunk.now, chunk.versions, chunk.alongside);
      this.ctx.meter.decisionsMade(kept.length - lost.length);
      const lostIds = lost.length === 0 ? undefined : new Set(lost);
      // Whose colour changed, by home district: the texts about them are counted there too.
      const changedIn = new Map<string, string>();
      for (const k of kept) {
        if (lostIds?.has(k.residentId)) continue;
        total.districts.decided(k.region, k.from, k.decision.colour);
        if (!k.colourChanged) continue;
        total.colourChanges += 1;
        changedIn.set(k.residentId, k.region);
      }
      if (lost.length > 0) total.lost.push({ ids: lost, cause: chunk.cause });
      if (chunkSaved.hasSubscribers) chunkSaved.publish({ residents: kept.length });
      // Texts go out while the next chunks are decided; deliver() never rejects (a failure waits for the sweep).
      deliveries.push(this.notices.deliver(queued, undefined, (residentId, phones) => {
        const region = changedIn.get(residentId);
        if (region !== undefined) total.districts.texted(region, phones);
      }));
    };
    try {
      await pipelined(chunks, load, decide, save);
    } finally {
      for (const n of await Promise.all(deliveries)) total.notified += n;
    }
    return total;
  }

  /** A chunk evaluated on the pool's threads, as `decide` evaluates it here: the facts go as they were read, the decisions come back. */
  private async evaluatedAway(pool: EvaluationPool, loaded: Loaded, areas: RiskAreaFact[]): Promise<Kept[]> {
    const facts = loaded.ids.flatMap((id) => loaded.facts.get(id) ?? []);
    const sets: ChunkToEvaluate['sets'] = {};
    for (const f of facts) sets[f.region] ??= (await this.rules.evaluatorFor(f.region)).ruleSet;
    const evaluated = await pool.evaluate({ now: loaded.now, areas, sets, facts });
    return facts.map((f, i) => keptDecision(f, loaded.previous.get(f.residentId), evaluated[i]!, this.ctx.newId(), null));
  }
}

/** The residents named, in chunks of `size`, all under one cause; `alongside` with the last chunk. */
export async function* inChunks(ids: string[], cause: string, size: number, alongside?: (trx: Transaction<Database>) => Promise<void>): AsyncIterable<RedecisionChunk> {
  if (ids.length === 0) {
    if (alongside) yield { ids: [], cause, alongside };
    return;
  }
  for (let i = 0; i < ids.length; i += size) yield { ids: ids.slice(i, i + size), cause, ...(i + size >= ids.length && alongside && { alongside }) };
}

/** Chunks already made, as a run takes them: the residents a run lost, decided again. */
export async function* fromList(chunks: RedecisionChunk[]): AsyncIterable<RedecisionChunk> {
  yield* chunks;
}
