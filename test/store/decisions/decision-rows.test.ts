import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { Decision } from '../../../src/domain/rules/decide.js';
import { DecisionEncodings, DecisionStatements, firedIds } from '../../../src/store/decisions/decision-rows.js';
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
    const statements = new DecisionStatements();
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

  it('records history rows under the cause, the fired rules as JSON', async () => {
    const db = h().ctx.database.db;
    const ids = await insertResidents(h().ctx, [quiet, quiet], h().clock.now().getTime());
    await db.transaction().execute((trx) => new DecisionStatements().writeHistory(trx, ids.map((residentId, n) => ({ id: `history-${n}`, residentId, decision: red })), 'risk area 420100 high', new DecisionEncodings()));
    const rows = await db.selectFrom('decisions').select(['resident_id', 'colour', 'fired', 'cause', 'rule_set_region', 'rule_set_version']).where('resident_id', 'in', ids).orderBy('seq').execute();
    assert.deepEqual(rows, ids.map((id) => ({ resident_id: id, colour: 'red', fired: JSON.stringify(red.rules), cause: 'risk area 420100 high', rule_set_region: 'CN', rule_set_version: 1 })));
  });
});
