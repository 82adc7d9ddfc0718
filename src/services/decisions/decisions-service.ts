import type { Decision } from '../../domain/rules/decide.js';
import { localInstant, RuleEvaluator } from '../../domain/rules/decide.js';
import { regionPrefix } from '../../domain/regions.js';
import { colourTransitions } from '../../domain/tracing/contact-tracing.js';
import type { DistrictChanges } from '../../domain/shown-changes.js';
import { sameSets } from '../../domain/rules/rule-inheritance.js';
import type { RuleSet } from '../../domain/rules/rule-set.js';
import type { ResidentFacts, RiskAreaFact } from '../../domain/facts.js';
import { maskName } from '../../domain/masking.js';
import { evaluated } from '../../domain/decisions/alike-facts.js';
import { BatchRedecision, fromList, inChunks, keptDecision, type Kept, type RedecisionChunk, type Redecided } from './batch-redecision.js';
import { firedIds, type CurrentDecision, type ResidentStatus } from '../../store/decisions/decisions-store.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { ServiceContext } from '../context.js';
import type { NoticesService } from './colour-notices-service.js';
import type { RulesService } from './rules-service.js';
import { NotFoundError } from '../service-errors.js';

/**
 * What a preview decided, exactly, per district of the residents counted: for the previews'
 * service to show through the small-count protection (ImpactPreviewsService), never to staff as is.
 */
export interface CountedChanges {
  /** False when there were more residents than the limit: the counts are a lower bound. */
  complete: boolean;
  districts: DistrictChanges[];
}

export interface StoredDecision {
  id: string;
  decidedAt: number;
  colour: string;
  mark: string | null;
  ruleSet: { region: string; version: number };
  rules: Decision['rules'];
  greenOn: number | null;
  cause: string;
}

export type { Redecided };

/**
 * The stored current decision's columns a code view serves from (DecisionsStore.current, CodeViewStore);
 * with CodeViewStore's, the resident's sealed name where the decision keeps no masked one.
 */
type StoredCurrent = Pick<ResidentStatus, 'decision' | 'region' | 'valid_until' | 'masked_name'> & { name_enc?: string | null };

/** Residents decided per chunk when many are: facts are loaded and statuses saved a chunk at a time. */
const REDECIDE_BATCH = 1000;

/**
 * Times a resident whose facts were written while they were decided is decided again from fresh
 * facts; past it (their facts written that often in so short a time), their stored decision is
 * invalidated instead, so the next code view decides it.
 */
const REDECIDE_RETRIES = 4;

/** Turns facts into colours, keeps every change of colour with the rule set version and the cause. */
export class DecisionsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly rules: RulesService,
    private readonly notices: NoticesService,
  ) {}

  private get facts() {
    return this.ctx.stores.facts;
  }

  /** Decides a resident's colour now; records it if it differs from the last one. */
  async decide(residentId: string, cause: string): Promise<Decision> {
    const decision = (await this.decideMany([residentId], cause)).get(residentId);
    if (!decision) throw new NotFoundError('resident');
    return decision;
  }

  /**
   * Re-decides many residents, loading their facts in batches, and keeps each decision as their
   * current one until the next instant time alone could change it; residents that no longer exist
   * are skipped.
   */
  async decideMany(ids: string[], cause: string, areas?: RiskAreaFact[]): Promise<Map<string, Decision>> {
    return new Map([...(await this.decideAndKeep(ids, cause, areas)).kept].map(([id, kept]) => [id, kept.decision]));
  }

  /**
   * The decision a code view serves: the stored one while it holds (one indexed read), otherwise
   * decided now and stored. It holds until its `valid_until`, and while the rule set it was made
   * under is still the one that governs the resident; every change of a fact re-decides or
   * invalidates the residents it touches. `stored`: the stored row as already read (null: none is
   * kept), read here when not given.
   */
  async current(residentId: string, stored?: StoredCurrent | null): Promise<{ decision: Decision; maskedName: string; region: string; validUntil: number; decidedNow: boolean }> {
    const now = this.ctx.clock.now().getTime();
    const row: StoredCurrent | undefined = stored === undefined ? await this.ctx.stores.decisions.current(residentId) : (stored ?? undefined);
    if (row && row.decision !== null && row.region !== null && row.valid_until !== null && row.valid_until > now) {
      const governing = (await this.rules.evaluatorFor(row.region)).ruleSet;
      const decision = JSON.parse(row.decision) as Decision;
      if (sameSets(governing, decision.ruleSet)) {
        const maskedName = row.masked_name ?? (await this.nameOnCode(residentId, row.name_enc));
        return { decision: { ...decision, rules: await this.withNotes(decision.rules) }, maskedName, region: row.region, validUntil: row.valid_until, decidedNow: false };
      }
    }
    const kept = (await this.decideAndKeep([residentId], 'code shown', undefined, undefined, true)).kept.get(residentId);
    if (!kept) throw new NotFoundError('resident');
    return { ...kept, maskedName: kept.maskedName!, decision: { ...kept.decision, rules: await this.withNotes(kept.decision.rules) }, decidedNow: true };
  }

  /**
   * The masked name a code shows, opened from the resident's record the first time a code is served
   * after a re-decision that did not open it, and kept with their decision from then on (re-decisions
   * keep it): a resident's name is opened once, not at every morning's first view. `sealed`: the
   * sealed name a code view read along (CodeViewStore), opened instead of reading it again.
   */
  private async nameOnCode(residentId: string, sealed?: string | null): Promise<string> {
    const name = sealed ? this.ctx.stores.residents.openName(residentId, sealed) : (await this.ctx.stores.residents.names([residentId])).get(residentId);
    const maskedName = maskName(name ?? '');
    await this.ctx.stores.decisions.keepMaskedName(residentId, maskedName);
    return maskedName;
  }

  /**
   * A correction's evidence as the resident reads it: with the authority's note, opened from the
   * correction itself. Decisions store only the correction's id, so the note is never kept in clear.
   */
  private async withNotes(rules: Decision['rules']): Promise<Decision['rules']> {
    const idOf = (e: Decision['rules'][number]['evidence'][number]) => (e.fact === 'correction' && typeof e.detail.correctionId === 'string' ? e.detail.correctionId : undefined);
    const ids = rules.flatMap((r) => r.evidence.map(idOf)).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return rules;
    const notes = await this.ctx.stores.corrections.notes([...new Set(ids)]);
    return rules.map((r) => ({ ...r, evidence: r.evidence.map((e) => (idOf(e) === undefined ? e : { ...e, detail: { ...e.detail, note: notes.get(idOf(e)!) ?? null } })) }));
  }

  /**
   * Re-decides residents in chunks (BatchRedecision): how many were decided, changed colour, and
   * phones told of it. `alongside` runs in the transaction that saves the last chunk.
   */
  async redecide(ids: string[], cause: string, alongside?: (trx: Transaction<Database>) => Promise<void>): Promise<Omit<Redecided, 'districts'>> {
    const { districts: _, ...counts } = await this.redecideChunks(inChunks(ids, cause, REDECIDE_BATCH, alongside));
    return counts;
  }

  /** Re-decides chunks of residents, each under its cause and saved in its own transaction with its `alongside` work. */
  async redecideChunks(chunks: AsyncIterable<RedecisionChunk>): Promise<Redecided> {
    const { lost, ...total } = await new BatchRedecision(this.ctx, this.rules, this.notices).run(chunks);
    // Residents whose facts were written while they were decided are decided again, and only they.
    let again = lost;
    for (let retry = 0; again.length > 0 && retry < REDECIDE_RETRIES; retry++) {
      const result = await new BatchRedecision(this.ctx, this.rules, this.notices).run(fromList(again));
      total.colourChanges += result.colourChanges;
      total.notified += result.notified;
      total.districts.add(result.districts);
      again = result.lost;
    }
    await this.ctx.stores.decisions.invalidate(again.flatMap((chunk) => chunk.ids));
    return total;
  }

  /**
   * Decides and stores; every change of colour queues a notice in the same transaction (so no
   * crash loses it, and racing deciders queue it once), sent right after it commits. A resident
   * whose facts were written while they were decided is decided again from fresh facts (a save is
   * only over the facts it was decided from: DecisionsStore.save); `alongside` runs with the first save.
   */
  private async decideAndKeep(ids: string[], cause: string, areas?: RiskAreaFact[], alongside?: (trx: Transaction<Database>) => Promise<void>, named = false): Promise<{ kept: Map<string, Kept>; notified: number }> {
    const kept = new Map<string, Kept>();
    let notified = 0;
    let pending = ids;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > REDECIDE_RETRIES) {
        await this.ctx.stores.decisions.invalidate(pending);
        break;
      }
      const round = await this.decideAndSave(pending, cause, attempt === 0 ? areas : undefined, attempt === 0 ? alongside : undefined, named);
      for (const [id, k] of round.kept) kept.set(id, k);
      notified += round.notified;
      pending = round.lost;
    }
    return { kept, notified };
  }

  /** One round of decideAndKeep: the residents whose decisions were saved (or decided, when lost) and those whose facts changed meanwhile. */
  private async decideAndSave(ids: string[], cause: string, areas: RiskAreaFact[] | undefined, alongside: ((trx: Transaction<Database>) => Promise<void>) | undefined, named: boolean): Promise<{ kept: Map<string, Kept>; notified: number; lost: string[] }> {
    const now = this.ctx.clock.now().getTime();
    // Read before the facts and the risk areas: a write to either after this read makes the save below
    // give way (a risk area raises the versions of those who stayed there).
    const versions = await this.facts.versions(ids);
    const riskAreas = areas ?? (await this.facts.riskAreas(now));
    const factsById = await this.facts.load(ids, now, (date) => localInstant(date, 0, this.ctx.settings.timeZone));
    const previous = await this.ctx.stores.decisions.keysOf(ids);
    // A name never changes once registered (a sunset that shreds it deletes the stored decision too):
    // the masked name stored with the last decision stands. Deciding needs no name, so it is opened
    // only for a code about to be shown (`named`); otherwise when one is first served (current()).
    const unnamed = named ? [...factsById.keys()].filter((id) => (previous.get(id)?.masked_name ?? null) === null) : [];
    const names = unnamed.length === 0 ? new Map<string, string>() : await this.ctx.stores.residents.names(unnamed);
    const evaluators = new Map<string, RuleEvaluator>();
    const out = new Map<string, Kept>();
    for (const id of ids) {
      const facts = factsById.get(id);
      if (!facts) continue;
      let evaluator = evaluators.get(facts.region);
      if (!evaluator) evaluators.set(facts.region, (evaluator = await this.rules.evaluatorFor(facts.region)));
      const before = previous.get(id);
      out.set(id, keptDecision(facts, before, evaluated(evaluator, facts, riskAreas, now), this.ctx.newId(), named ? maskName(names.get(id) ?? '') : null));
    }
    if (out.size === 0) {
      if (alongside) await this.ctx.database.transaction(alongside);
      return { kept: out, notified: 0, lost: [] };
    }
    const { queued, lost } = await this.ctx.stores.decisions.save([...out.values()], cause, this.ctx.newId, now, versions, alongside);
    this.ctx.meter.decisionsMade(out.size - lost.length);
    return { kept: out, notified: await this.notices.deliver(queued), lost };
  }

  /**
   * What publishing `candidate` would do, before it is published: every resident it would govern
   * that `counted` accepts (by their home region) is decided under it (nothing is recorded) and
   * compared with their colour now. At most `limit` residents are evaluated.
   */
  async preview(candidate: RuleSet, counted: (region: string) => boolean, limit = 50_000): Promise<CountedChanges> {
    const now = this.ctx.clock.now().getTime();
    // Every region below the candidate's inherits from it: each is decided under its own effective
    // rules with the candidate in its place.
    const prefix = regionPrefix(candidate.region);
    const rows = (await this.ctx.stores.residents.regionsUnder(prefix, limit + 1)).filter((r) => counted(r.address_region));
    const governed = rows.slice(0, limit).map((r) => r.id);
    const evaluators = new Map<string, Promise<RuleEvaluator>>();
    const evaluatorFor = (region: string) => {
      let e = evaluators.get(region);
      if (!e) evaluators.set(region, (e = this.rules.effective(region, candidate).then((set) => new RuleEvaluator(set!, this.ctx.settings.timeZone))));
      return e;
    };
    const decided = await this.colourChanges(governed, await this.facts.riskAreas(now), evaluatorFor);
    return { complete: rows.length <= limit, districts: byDistrict(decided, counted) };
  }

  /** How the colours of residents `counted` accepts would change if the risk areas were `areas`; nothing is recorded. At most `limit` are evaluated. */
  async previewWithAreas(ids: string[], areas: RiskAreaFact[], counted: (region: string) => boolean, limit = 50_000): Promise<CountedChanges> {
    const decided = await this.colourChanges(ids.slice(0, limit), areas, (region) => this.rules.evaluatorFor(region));
    return { complete: ids.length <= limit, districts: byDistrict(decided, counted) };
  }

  /**
   * How residents' colours would change if each were also a contact (close or secondary) from the
   * instant given: what confirming a trace would do. Nothing is recorded.
   */
  async previewWithContacts(contacts: { residentId: string; kind: 'close' | 'secondary'; at: number }[]): Promise<{ wouldChange: number; transitions: { from: string; to: string; residents: number }[] }> {
    const now = this.ctx.clock.now().getTime();
    const byResident = new Map(contacts.map((c) => [c.residentId, c]));
    const areas = await this.facts.riskAreas(now);
    const { before, after } = await this.colourChanges([...byResident.keys()], areas, (region) => this.rules.evaluatorFor(region), (id, facts) => {
      const c = byResident.get(id)!;
      facts.contacts.push({ kind: c.kind, at: c.at, source: 'trace', recordedAt: now });
    });
    const transitions = colourTransitions(before, after);
    return { wouldChange: transitions.reduce((sum, t) => sum + t.residents, 0), transitions };
  }

  /** Residents' colours now against their colours decided with `areas` under `evaluatorFor` (and `amend`'s extra facts), with each one's home region. */
  private async colourChanges(ids: string[], areas: RiskAreaFact[], evaluatorFor: (region: string) => Promise<RuleEvaluator>, amend?: (id: string, facts: ResidentFacts) => void): Promise<Decided> {
    const now = this.ctx.clock.now().getTime();
    const before = new Map<string, string>();
    const after = new Map<string, string>();
    const regions = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const facts = await this.facts.load(part, now, (date) => localInstant(date, 0, this.ctx.settings.timeZone));
      const status = await this.ctx.stores.decisions.statusOf(part);
      for (const id of part) {
        const f = facts.get(id);
        if (!f) continue;
        amend?.(id, f);
        const colour = status.get(id)?.colour;
        if (colour !== undefined) before.set(id, colour);
        after.set(id, (await evaluatorFor(f.region)).decide(f, areas, now).colour);
        regions.set(id, f.region);
      }
    }
    return { before, after, regions };
  }

  /** A resident's colour changes, newest first. */
  async history(residentId: string, limit: number): Promise<StoredDecision[]> {
    const rows = await this.ctx.stores.decisions.history(residentId, limit);
    return Promise.all(rows.map(async (r) => ({
      id: r.id,
      decidedAt: r.decided_at,
      colour: r.colour,
      mark: r.mark,
      ruleSet: { region: r.rule_set_region, version: r.rule_set_version },
      rules: await this.withNotes(JSON.parse(r.fired) as Decision['rules']),
      greenOn: r.green_on,
      cause: r.cause,
    })));
  }

  /** Residents whose stored decision time alone may have changed by now. */
  async dueForRedecision(limit: number): Promise<string[]> {
    return this.ctx.stores.decisions.dueBy(this.ctx.clock.now().getTime(), limit);
  }
}

/** Colours before and after a preview's decisions, and each resident's home region. */
interface Decided {
  before: Map<string, string>;
  after: Map<string, string>;
  regions: Map<string, string>;
}

/** The residents `counted` accepts, per home district: how many, and their changes of colour. */
function byDistrict({ before, after, regions }: Decided, counted: (region: string) => boolean): DistrictChanges[] {
  const ids = new Map<string, { before: Map<string, string>; after: Map<string, string> }>();
  for (const [id, colour] of after) {
    const region = regions.get(id)!;
    if (!counted(region)) continue;
    const district = ids.get(region) ?? { before: new Map(), after: new Map() };
    if (before.has(id)) district.before.set(id, before.get(id)!);
    district.after.set(id, colour);
    ids.set(region, district);
  }
  return [...ids.values()].map((d) => ({ residents: d.after.size, kept: keptColours(d.before, d.after), transitions: colourTransitions(d.before, d.after) }));
}

/** How many of each colour would keep it. */
function keptColours(before: Map<string, string>, after: Map<string, string>): { colour: string; residents: number }[] {
  const kept = new Map<string, number>();
  for (const [id, colour] of after) if (before.get(id) === colour) kept.set(colour, (kept.get(colour) ?? 0) + 1);
  return [...kept].map(([colour, residents]) => ({ colour, residents }));
}
