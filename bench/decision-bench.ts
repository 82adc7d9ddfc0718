import { randomUUID } from 'node:crypto';
import { DAY_MS, FixedClock } from '../src/domain/clock.js';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { localInstant } from '../src/domain/rules/decide.js';
import type { ServiceContext } from '../src/services/context.js';
import type { Services } from '../src/services/services.js';
import type { Engine } from '../src/store/database.js';
import type { Database, ResidentStatusTable, ResidentsTable } from '../src/store/schema.js';
import { benchServices } from './bench-support.js';
import { profiled } from './phase-profile.js';

const NOW = '2026-11-20T10:00:00+08:00';

/**
 * One decision's latency, and re-deciding after one new high-risk area in a population of `population`
 * residents of whom one in `affectedEvery` (10%, as the issue sets it) declared a stay there: only they
 * should be touched.
 */
export async function decisionBench(engine: Engine, population: number, affectedEvery = 10): Promise<Record<string, number>> {
  // By default each traveller arrived a second after the one before, so no two share their facts and none
  // is decided along with another (AlikeFacts), as on a real morning, where stays' hours differ.
  // HEALTHCODE_BENCH_FACTS=identical: all declared the same stay (the best case for AlikeFacts).
  const distinct = process.env.HEALTHCODE_BENCH_FACTS !== 'identical';
  // HEALTHCODE_BENCH_DECIDED_BEFORE=1: travellers hold a phone and a green code before the area is listed, so
  // each turns red, and a text is queued and sent, as on the morning it happens.
  const decidedBefore = process.env.HEALTHCODE_BENCH_DECIDED_BEFORE === '1';
  const clock = new FixedClock(NOW);
  const { services, ctx, dispose } = await benchServices(engine, clock);
  try {
    const db = ctx.database.db;
    const now = clock.now().getTime();
    const travellers: string[] = [];
    const loadStarted = performance.now();
    // Rows are written directly: the personal fields are placeholders but the name, which a decision
    // decrypts for the masked name a code shows.
    const CHUNK = engine === 'sqlite' ? 2000 : 1000;
    for (let i = 0; i < population; i += CHUNK) {
      const rows: Insertable<ResidentsTable>[] = [];
      for (let j = i; j < Math.min(i + CHUNK, population); j++) {
        const id = randomUUID();
        const travels = j % affectedEvery === 0;
        if (travels) travellers.push(id);
        // Those told of a change have their identity, address and phone sealed: before notices read phones alone, each was opened whole.
        const sealed = (value: string, field: string) => (travels && decidedBefore ? ctx.cipher.encrypt(value, `resident:${id}:${field}`) : 'x');
        const phone = travels && decidedBefore ? ctx.cipher.encrypt(`+86139${String(j).padStart(8, '0')}`, `resident:${id}:phone`) : null;
        rows.push({ id, id_index: `bench-${j}`, identity_enc: sealed(JSON.stringify({ type: 'resident-id', number: `bench-${j}` }), 'identity'), name_enc: ctx.cipher.encrypt(`居民${j}`, `resident:${id}:name`), phone_index: null, phone_enc: phone, address_region: '330110', address_enc: sealed('余杭区文一西路', 'address'), phone_verified_at: now - 30 * DAY_MS, created_at: now - 30 * DAY_MS, updated_at: now });
      }
      await db.transaction().execute(async (trx) => {
        for (let k = 0; k < rows.length; k += 500) await trx.insertInto('residents').values(rows.slice(k, k + 500)).execute();
      });
    }
    for (let i = 0; i < travellers.length; i += 500) {
      const part = travellers.slice(i, i + 500);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('declarations').values(part.map((id) => ({ id: `d-${id}`, resident_id: id, declared_at: now - DAY_MS, symptoms: '[]', contacts: '[]', temperature: 36.5 }))).execute();
        await trx
          .insertInto('declaration_stays')
          .values(part.map((id, k) => ({ id: `s-${id}`, declaration_id: `d-${id}`, resident_id: id, position: 0, region_code: '420106', country_code: null, arrival: now - 6 * DAY_MS + (distinct ? (i + k) * 1000 : 0), departure: now - 4 * DAY_MS })))
          .execute();
      });
    }
    if (decidedBefore) for (let i = 0; i < travellers.length; i += 1000) await services.decisions.decideMany(travellers.slice(i, i + 1000), 'before');
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const single = travellers[0]!;
    await services.decisions.decide(single, 'warm-up');
    const latencies: number[] = [];
    // HEALTHCODE_BENCH_PHASES=redecide times re-deciding alone (what a profile of it wants).
    const phases = process.env.HEALTHCODE_BENCH_PHASES?.split(',') ?? ['latency', 'redecide'];
    for (let i = 0; i < (phases.includes('latency') ? 200 : 1); i++) {
      const id = travellers[i % travellers.length]!;
      const t = performance.now();
      await services.decisions.decide(id, 'bench');
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);

    const timed = await measured(() => profiled('redecide', () => services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' })));
    const { result, seconds } = timed;
    if (result.redecided !== travellers.length) throw new Error(`re-decided ${result.redecided}, expected ${travellers.length}`);
    const bare = await bareStatusUpsert(db, travellers);
    const engineOnly = await engineAlone(services, ctx, travellers);
    const p = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))]! * 100) / 100;
    return {
      ...(phases.includes('latency') && { [`decision.${engine}.latency_ms_p50`]: p(0.5), [`decision.${engine}.latency_ms_p99`]: p(0.99) }),
      [`redecide_high_risk_area.${engine}.population`]: population,
      [`redecide_high_risk_area.${engine}.affected_residents`]: result.redecided,
      [`redecide_high_risk_area.${engine}.colour_changes`]: result.colourChanges,
      [`redecide_high_risk_area.${engine}.phones_told`]: result.notified,
      [`redecide_high_risk_area.${engine}.seconds`]: Math.round(seconds * 100) / 100,
      [`redecide_high_risk_area.${engine}.residents_per_second`]: Math.round(result.redecided / seconds),
      // Baselines measured in this run: the same rows written bare, and the same residents decided with no I/O.
      [`redecide_high_risk_area.${engine}.bare_upsert_rows_per_second`]: Math.round(travellers.length / bare.seconds),
      [`redecide_high_risk_area.${engine}.ratio_to_bare_upsert`]: Math.round((bare.seconds / seconds) * 1000) / 1000,
      [`redecide_high_risk_area.${engine}.engine_only_residents_per_second`]: Math.round(travellers.length / engineOnly.seconds),
      [`redecide_high_risk_area.${engine}.ratio_to_engine_only`]: Math.round((engineOnly.seconds / seconds) * 1000) / 1000,
      // The same per second of this process's CPU: on a machine other work shares, wall time says more about them than about this.
      [`redecide_high_risk_area.${engine}.residents_per_cpu_second`]: Math.round(result.redecided / timed.cpuSeconds),
      [`redecide_high_risk_area.${engine}.bare_upsert_rows_per_cpu_second`]: Math.round(travellers.length / bare.cpuSeconds),
      [`redecide_high_risk_area.${engine}.ratio_to_bare_upsert_cpu`]: Math.round((bare.cpuSeconds / timed.cpuSeconds) * 1000) / 1000,
      [`redecide_high_risk_area.${engine}.engine_only_residents_per_cpu_second`]: Math.round(travellers.length / engineOnly.cpuSeconds),
      [`redecide_high_risk_area.${engine}.ratio_to_engine_only_cpu`]: Math.round((engineOnly.cpuSeconds / timed.cpuSeconds) * 1000) / 1000,
      [`redecide_high_risk_area.${engine}.setup_seconds`]: Math.round(loadSeconds * 10) / 10,
    };
  } finally {
    await dispose();
  }
}

/**
 * Time to write the residents' current decisions again as bare multi-row upserts, a thousand rows
 * per transaction and 500 per statement (as the re-decision writes them), with nothing decided, no
 * history and no notices: the floor a re-decision's writes are measured against.
 */
async function bareStatusUpsert(db: Kysely<Database>, ids: string[]): Promise<Timed<void>> {
  const rows: Selectable<ResidentStatusTable>[] = [];
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids.slice(i, i + 500)).execute()));
  return measured(async () => {
    for (let i = 0; i < rows.length; i += 1000) {
      await db.transaction().execute(async (trx) => {
        for (let k = i; k < Math.min(i + 1000, rows.length); k += 500) {
          await trx
            .insertInto('resident_status')
            .values(rows.slice(k, Math.min(k + 500, i + 1000)))
            .onConflict((oc) => oc.column('resident_id').doUpdateSet((eb) => ({ colour: eb.ref('excluded.colour'), decision: eb.ref('excluded.decision'), fired_ids: eb.ref('excluded.fired_ids'), valid_until: eb.ref('excluded.valid_until'), decided_at: eb.ref('excluded.decided_at'), green_on: eb.ref('excluded.green_on') })))
            .execute();
        }
      });
    }
  });
}

/** Time to decide the same residents (and how long each decision holds) with their facts already in memory. */
async function engineAlone(services: Services, ctx: ServiceContext, ids: string[]): Promise<Timed<void>> {
  const now = ctx.clock.now().getTime();
  const facts = await ctx.stores.facts.load(ids, now, (date) => localInstant(date, 0, ctx.settings.timeZone));
  const areas = await ctx.stores.facts.riskAreas(now);
  const evaluator = await services.rules.evaluatorFor('330110');
  // Warmed first: a re-decision that evaluated only a few distinct facts (AlikeFacts) leaves the engine's code cold.
  for (const f of [...facts.values()].slice(0, 500)) (evaluator.decide(f, areas, now), evaluator.nextChange(f, areas, now));
  return measured(async () => {
    for (const f of facts.values()) (evaluator.decide(f, areas, now), evaluator.nextChange(f, areas, now));
  });
}

interface Timed<T> {
  result: T;
  seconds: number;
  /** This process's CPU time (user and system, all its threads). */
  cpuSeconds: number;
}

/** Wall and CPU time of `work`, read around it. */
async function measured<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { result, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
