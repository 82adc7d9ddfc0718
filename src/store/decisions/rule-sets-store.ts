import type { Kysely } from 'kysely';
import { rulesPublishedAt, type RuleSet } from '../../domain/rules/rule-set.js';
import type { ChangeFeed } from '../change-feed.js';
import type { DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

/** Published rule sets, every version kept, the body as published. */
export class RuleSetsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lock: DatabaseHandle['lock'],
    private readonly changes: ChangeFeed,
  ) {}

  async latest(region: string): Promise<RuleSet | undefined> {
    const row = await this.db.selectFrom('rule_sets').select('body').where('region', '=', region).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row && (JSON.parse(row.body) as RuleSet);
  }

  async latestVersion(region: string): Promise<number> {
    const row = await this.db.selectFrom('rule_sets').select((eb) => eb.fn.max('version').as('v')).where('region', '=', region).executeTakeFirst();
    return Number(row?.v ?? 0);
  }

  /** Stores the next version of a region's set; concurrent publishers queue on the region. */
  async publish(input: Pick<RuleSet, 'region' | 'rules' | 'overrides'>, now: Date): Promise<RuleSet> {
    return this.changes.commit(this.db, { kind: 'rules' }, async (trx) => {
      await this.lock(trx, `rule set ${input.region}`);
      const latest = await trx.selectFrom('rule_sets').select((eb) => eb.fn.max('version').as('v')).where('region', '=', input.region).executeTakeFirst();
      const ruleSet: RuleSet = { region: input.region, version: Number(latest?.v ?? 0) + 1, publishedAt: rulesPublishedAt(now), rules: input.rules, ...(input.overrides && input.overrides.length > 0 && { overrides: input.overrides }) };
      await trx.insertInto('rule_sets').values({ region: ruleSet.region, version: ruleSet.version, published_at: now.getTime(), body: JSON.stringify(ruleSet) }).execute();
      return ruleSet;
    });
  }

  /** The newest version of every region's set. */
  async current(): Promise<RuleSet[]> {
    const rows = await this.db
      .selectFrom('rule_sets as r')
      .select('r.body')
      .where(({ eb, selectFrom }) => eb('r.version', '=', selectFrom('rule_sets as n').select((e) => e.fn.max('n.version').as('v')).whereRef('n.region', '=', 'r.region')))
      .orderBy('r.region')
      .execute();
    return rows.map((r) => JSON.parse(r.body) as RuleSet);
  }

  /** Every version of a region's set, newest first. */
  async history(region: string): Promise<RuleSet[]> {
    const rows = await this.db.selectFrom('rule_sets').select('body').where('region', '=', region).orderBy('version', 'desc').execute();
    return rows.map((r) => JSON.parse(r.body) as RuleSet);
  }
}
