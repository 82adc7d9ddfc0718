import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { Decision } from '../../../src/domain/rules/decide.js';
import { DecisionEncodings, DecisionRows, firedIds } from '../../../src/store/decisions/decision-rows.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { evaluator, NOW, resident, wuchangHighRisk } from '../../support/hangzhou-morning.js';
import { insertResidents } from '../../support/random-population.js';

/** A resident who declared two days in Wuchang a week ago (red), and one who stayed home (green). */
const red = evaluator.decide(resident({ stays: [{ region: '420106', country: null, arrival: NOW - 7 * DAY_MS, departure: NOW - 5 * DAY_MS, source: 'declaration', recordedAt: NOW - 2 * HOUR_MS }] }), [wuchangHighRisk], NOW);
const green = evaluator.decide(resident(), [wuchangHighRisk], NOW);

describe('a decision encoded for the tables', () => {
  it('is written as JSON.stringify writes it, its fired rules alone, and the ids of the rules that fired', () => {
    assert.deepEqual(new DecisionEncodings().of(red), { decision: JSON.stringify(red), fired: JSON.stringify(red.rules), firedIds: firedIds(red) });
  });

  it('is encoded once however many residents share it', () => {
    const encodings = new DecisionEncodings();
    assert.equal(encodings.of(red), encodings.of(red));
    assert.notEqual(encodings.of(red), encodings.of(green));
  });
});

describeOnEachEngine('decisions written with statements compiled once per number of rows', (h) => {
  const quiet = { registeredDaysAgo: 30, phoneVerified: true, stays: [], symptoms: false, temperature: 36.5, test: null, contactDaysAgo: null, checkIns: [] };

  it('writes each resident’s current decision as the obvious row, residents sharing a decision included, and replaces it the next time', async () => {
    const db = h().ctx.database.db;
    const ids = await insertResidents(h().ctx, [quiet, quiet, quiet], h().clock.now().getTime());
    const statements = new DecisionRows();
    const write = (decisions: Decision[]) => db.transaction().execute((trx) => statements.writeStatus(trx, ids.map((residentId, n) => ({ residentId, decision: decisions[n]!, validUntil: NOW + n, maskedName: n === 0 ? '张*' : null, region: '330110' })), new DecisionEncodings()));
    await write([green, green, red]);
    await write([red, red, green]);
    const rows = await db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids).execute();
    for (const [n, expected] of [red, red, green].entries()) {
      const row = rows.find((r) => r.resident_id === ids[n])!;
      assert.deepEqual(
        { colour: row.colour, mark: row.mark, decided_at: Number(row.decided_at), green_on: row.green_on === null ? null : Number(row.green_on), fired_ids: row.fired_ids, valid_until: Number(row.valid_until), decision: row.decision, masked_name: row.masked_name, region: row.region },
        { colour: expected.colour, mark: expected.mark, decided_at: expected.evaluatedAt, green_on: expected.greenOn, fired_ids: firedIds(expected), valid_until: NOW + n, decision: JSON.stringify(expected), masked_name: n === 0 ? '张*' : null, region: '330110' },
        `resident ${n}`,
      );
    }
  });

  it('writes any number of current decisions as the upsert built anew by Kysely writes them', async () => {
    const db = h().ctx.database.db;
    const ids = await insertResidents(h().ctx, Array.from({ length: 12 }, () => quiet), h().clock.now().getTime());
    const rows = new DecisionRows();
    const table = async () => (await db.selectFrom('resident_status').selectAll().where('resident_id', 'in', ids).orderBy('resident_id').execute()).map((r) => JSON.stringify(r));
    await fc.assert(
      fc.asyncProperty(fc.subarray(ids, { minLength: 1 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (some, reds, named) => {
        const written = some.map((residentId, n) => ({ residentId, decision: reds[n] ? red : green, validUntil: NOW + n, maskedName: named[n] ? '张*' : null, region: '330110' }));
        await db.transaction().execute((trx) => rows.writeStatus(trx, written, new DecisionEncodings()));
        const compiled = await table();
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('resident_status')
            .values(written.map((w) => ({ resident_id: w.residentId, colour: w.decision.colour, mark: w.decision.mark, decided_at: w.decision.evaluatedAt, green_on: w.decision.greenOn, rule_set_region: w.decision.ruleSet.region, rule_set_version: w.decision.ruleSet.version, fired_ids: firedIds(w.decision), valid_until: w.validUntil, decision: JSON.stringify(w.decision), masked_name: w.maskedName, region: w.region })))
            .onConflict((oc) => oc.column('resident_id').doUpdateSet((eb) => ({ colour: eb.ref('excluded.colour'), mark: eb.ref('excluded.mark'), decided_at: eb.ref('excluded.decided_at'), green_on: eb.ref('excluded.green_on'), rule_set_region: eb.ref('excluded.rule_set_region'), rule_set_version: eb.ref('excluded.rule_set_version'), fired_ids: eb.ref('excluded.fired_ids'), valid_until: eb.ref('excluded.valid_until'), decision: eb.ref('excluded.decision'), masked_name: eb.fn.coalesce('excluded.masked_name', 'resident_status.masked_name'), region: eb.ref('excluded.region') })))
            .execute();
        });
        assert.deepEqual(await table(), compiled);
      }),
      { numRuns: 25 },
    );
  });

  it('records history rows under the cause, the fired rules as JSON', async () => {
    const db = h().ctx.database.db;
    const ids = await insertResidents(h().ctx, [quiet, quiet], h().clock.now().getTime());
    await db.transaction().execute((trx) => new DecisionRows().writeHistory(trx, ids.map((residentId, n) => ({ id: `history-${n}`, residentId, decision: red })), 'risk area 420100 high', new DecisionEncodings()));
    const rows = await db.selectFrom('decisions').select(['resident_id', 'colour', 'fired', 'cause', 'rule_set_region', 'rule_set_version']).where('resident_id', 'in', ids).orderBy('seq').execute();
    assert.deepEqual(rows, ids.map((id) => ({ resident_id: id, colour: 'red', fired: JSON.stringify(red.rules), cause: 'risk area 420100 high', rule_set_region: 'CN', rule_set_version: 1 })));
  });
});
