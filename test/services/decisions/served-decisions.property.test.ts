import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { parseImport } from '../../../src/services/decisions/import-parsing.js';
import { freshDecision as fresh, said } from '../../support/fresh-decision.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { withCheck, ZHANG_WEI } from '../../support/people.js';
import { replacing, withQuarantine } from '../../support/rules.js';
import { registerVerified } from '../../support/sign-in.js';

/** Places a resident might have been: two districts of Wuhan, Shanghai Xuhui, Yuhang, and Japan. */
const PLACES = [{ region: '420106' }, { region: '420102' }, { region: '310104' }, { region: '330110' }, { country: 'JP' }] as const;
const AREAS = ['420106', '420100', '310104'] as const;

type Event =
  | { kind: 'wait'; ms: number }
  | { kind: 'declare'; place: number; daysAgo: number; days: number; symptoms: boolean; temperature: number }
  | { kind: 'check-in'; cough: boolean }
  | { kind: 'risk-area'; area: number; level: 'high' | 'medium'; daysAgo: number }
  | { kind: 'test'; positive: boolean; daysAgo: number }
  | { kind: 'rules'; quarantineDays: number; checkIns: number };

const event: fc.Arbitrary<Event> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 1, max: 90 * MINUTE_MS }), fc.integer({ min: HOUR_MS, max: 3 * DAY_MS })) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('declare' as const), place: fc.nat(PLACES.length - 1), daysAgo: fc.integer({ min: 0, max: 13 }), days: fc.integer({ min: 0, max: 3 }), symptoms: fc.boolean(), temperature: fc.constantFrom(36.4, 36.9, 37.6) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('check-in' as const), cough: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('risk-area' as const), area: fc.nat(AREAS.length - 1), level: fc.constantFrom('high' as const, 'medium' as const), daysAgo: fc.integer({ min: 0, max: 20 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('test' as const), positive: fc.boolean(), daysAgo: fc.integer({ min: 0, max: 10 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('rules' as const), quarantineDays: fc.integer({ min: 3, max: 14 }), checkIns: fc.integer({ min: 1, max: 4 }) }), weight: 1 },
);

async function apply(h: Harness, id: string, phone: string, e: Event): Promise<void> {
  const now = h.clock.now().getTime();
  const at = (ms: number) => new Date(ms).toISOString();
  switch (e.kind) {
    case 'wait':
      h.clock.advance(e.ms);
      return;
    case 'declare': {
      const arrival = now - e.daysAgo * DAY_MS - 6 * HOUR_MS;
      const departure = Math.min(now, arrival + e.days * DAY_MS + 5 * HOUR_MS);
      await h.services.declarations.declare(id, { stays: [{ ...PLACES[e.place], arrival: at(arrival), departure: at(departure) }], contacts: [], symptoms: e.symptoms ? ['dry_cough'] : [], temperature: e.temperature });
      return;
    }
    case 'check-in':
      await h.services.checkIns.checkIn(id, { temperature: 36.5, symptoms: e.cough ? ['dry_cough'] : [] }).catch((error: Error) => {
        if (!/check-ins are for yellow and red/.test(error.message)) throw error;
      });
      return;
    case 'risk-area':
      await h.services.authority.setRiskArea({ region: AREAS[e.area], level: e.level, from: at(now - e.daysAgo * DAY_MS) });
      return;
    case 'test': {
      const csv = `phone,result,date\n${phone},${e.positive ? 'positive' : 'negative'},${at(now - e.daysAgo * DAY_MS)}\n`;
      await h.services.authority.import('tests', parseImport('csv', Readable.from([csv])));
      return;
    }
    case 'rules':
      await h.services.rules.publish(
        replacing(
          '330100',
          DEFAULT_RULES.filter((r) => r.id.startsWith('red-') || r.id.startsWith('gray-'))
            .map((r) => ({ ...r, outcome: r.outcome.checkIns ? { ...r.outcome, checkIns: { ...r.outcome.checkIns, required: e.checkIns } } : r.outcome }))
            .map((r) => (r.outcome.checkIns ? withQuarantine(r, e.quarantineDays) : r)),
        ),
      );
  }
}

describeOnEachEngine('the decision a code view serves', (h) => {
  it('always equals a fresh full evaluation, across random histories, rule sets and instants', { timeout: 240_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 3, maxLength: 14 }), async (events) => {
        // A new resident each run; rules, risk areas and the clock carry on from the runs before.
        run += 1;
        const person = { ...ZHANG_WEI, phone: `1390000${String(run).padStart(4, '0')}`, idNumber: withCheck(`33011019900101${String(100 + run).padStart(3, '0')}`) };
        const id = await registerVerified(h(), person);
        for (const e of events) {
          await apply(h(), id, person.phone, e);
          const served = (await h().services.healthCodes.issue(id)).decision;
          assert.deepEqual(said(served), said(await fresh(h(), id)), `after ${JSON.stringify(e)} at ${h().clock.now().toISOString()}`);
        }
      }),
      { numRuns: 25 },
    );
  });
});
