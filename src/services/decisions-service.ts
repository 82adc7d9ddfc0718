import type { Decision } from '../domain/rules/decide.js';
import { localInstant } from '../domain/rules/decide.js';
import type { ResidentFacts, RiskAreaFact } from '../domain/facts.js';
import { FactsStore } from '../store/facts-store.js';
import type { ServiceContext } from './context.js';
import type { RulesService } from './rules-service.js';
import { NotFoundError } from './service-errors.js';

export interface StoredDecision {
  id: string;
  decidedAt: string;
  colour: string;
  mark: string | null;
  ruleSet: { region: string; version: number };
  rules: Decision['rules'];
  greenOn: string | null;
  cause: string;
}

/** Turns facts into colours, keeps every change of colour with the rule set version and the cause. */
export class DecisionsService {
  private readonly facts: FactsStore;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rules: RulesService,
  ) {
    this.facts = new FactsStore(ctx.store.db);
  }

  /** Decides a resident's colour now; records it if it differs from the last one. */
  async decide(residentId: string, cause: string): Promise<Decision> {
    const decision = (await this.decideMany([residentId], cause)).get(residentId);
    if (!decision) throw new NotFoundError('resident');
    return decision;
  }

  /** Re-decides many residents, loading their facts in batches; residents that no longer exist are skipped. */
  async decideMany(ids: string[], cause: string, areas?: RiskAreaFact[]): Promise<Map<string, Decision>> {
    const now = this.ctx.clock.now().getTime();
    const riskAreas = areas ?? (await this.facts.riskAreas(now));
    const factsById = await this.facts.load(ids, now, (date) => localInstant(date, 0, this.ctx.settings.timeZone));
    const previous = await this.statusOf(ids);
    const out = new Map<string, Decision>();
    const changed: { facts: ResidentFacts; decision: Decision }[] = [];
    for (const id of ids) {
      const facts = factsById.get(id);
      if (!facts) continue;
      const evaluator = await this.rules.evaluatorFor(facts.region);
      const decision = evaluator.decide(facts, riskAreas, now);
      out.set(id, decision);
      const before = previous.get(id);
      const firedIds = decision.rules.map((r) => `${r.id}@${r.version}:${r.status}`).join(',');
      if (!before || before.colour !== decision.colour || before.mark !== decision.mark || before.fired_ids !== firedIds || before.rule_set_version !== decision.ruleSet.version || before.rule_set_region !== decision.ruleSet.region) {
        changed.push({ facts, decision });
      }
    }
    if (changed.length > 0) await this.record(changed, cause);
    return out;
  }

  private async statusOf(ids: string[]) {
    const map = new Map<string, { colour: string; mark: string | null; fired_ids: string; rule_set_version: number; rule_set_region: string }>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.ctx.store.db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) map.set(r.resident_id, r);
    }
    return map;
  }

  private async record(changed: { facts: ResidentFacts; decision: Decision }[], cause: string): Promise<void> {
    await this.ctx.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < changed.length; i += 200) {
        const part = changed.slice(i, i + 200);
        await trx
          .insertInto('decisions')
          .values(
            part.map(({ facts, decision }) => ({
              id: this.ctx.newId(),
              resident_id: facts.residentId,
              decided_at: decision.evaluatedAt,
              colour: decision.colour,
              mark: decision.mark,
              rule_set_region: decision.ruleSet.region,
              rule_set_version: decision.ruleSet.version,
              fired: JSON.stringify(decision.rules),
              green_on: decision.greenOn,
              cause,
            })),
          )
          .execute();
        for (const { facts, decision } of part) {
          const status = {
            colour: decision.colour,
            mark: decision.mark,
            decided_at: decision.evaluatedAt,
            green_on: decision.greenOn,
            rule_set_region: decision.ruleSet.region,
            rule_set_version: decision.ruleSet.version,
            fired_ids: decision.rules.map((r) => `${r.id}@${r.version}:${r.status}`).join(','),
          };
          await trx
            .insertInto('resident_status')
            .values({ resident_id: facts.residentId, ...status })
            .onConflict((oc) => oc.column('resident_id').doUpdateSet(status))
            .execute();
        }
      }
    });
  }

  /** A resident's colour changes, newest first. */
  async history(residentId: string, limit: number): Promise<StoredDecision[]> {
    const rows = await this.ctx.store.db.selectFrom('decisions').selectAll().where('resident_id', '=', residentId).orderBy('decided_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      decidedAt: new Date(r.decided_at).toISOString(),
      colour: r.colour,
      mark: r.mark,
      ruleSet: { region: r.rule_set_region, version: r.rule_set_version },
      rules: JSON.parse(r.fired) as Decision['rules'],
      greenOn: r.green_on === null ? null : new Date(r.green_on).toISOString(),
      cause: r.cause,
    }));
  }

  /** Residents whose stored colour should have turned by now (their greenOn has passed). */
  async dueForRedecision(limit: number): Promise<string[]> {
    const rows = await this.ctx.store.db
      .selectFrom('resident_status')
      .select('resident_id')
      .where('green_on', '<=', this.ctx.clock.now().getTime())
      .where('colour', '!=', 'green')
      .limit(limit)
      .execute();
    return rows.map((r) => r.resident_id);
  }
}
