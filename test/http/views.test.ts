import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { withholdAuthorityDetail } from '../../src/domain/decisions/withheld-records.js';
import type { Decision, FiredRule } from '../../src/domain/rules/decide.js';
import { COLOURS } from '../../src/domain/colour.js';
import { healthCodeViewBodies, healthCodeViewOf, utf8Bytes } from '../../src/http/views.js';
import { wireTime } from '../../src/http/wire.js';
import type { ViewedHealthCode } from '../../src/services/decisions/health-codes-service.js';
import type { FactsFrom } from '../../src/services/federation/moving-service.js';
import type { Services } from '../../src/services/services.js';

/** The view as first written: the decision spread, the fields the wire writes otherwise written over it. */
function obviousView({ issued, withheld }: ViewedHealthCode, factsFrom: FactsFrom | null) {
  const decision = withheld ? withholdAuthorityDetail(issued.decision) : issued.decision;
  return {
    ...decision,
    factsFrom: factsFrom && { operator: factsFrom.operator, operatorName: factsFrom.operatorName, asOf: wireTime(factsFrom.bundleIssuedAt), facts: factsFrom.facts },
    evaluatedAt: wireTime(decision.evaluatedAt),
    greenOn: wireTime(decision.greenOn),
    token: issued.token,
    maskedName: issued.maskedName,
    issuedAt: wireTime(issued.issuedAt),
    expiresAt: wireTime(issued.expiresAt),
  };
}

const instant = fc.integer({ min: 0, max: 4_000_000_000_000 });
const text = { 'zh-CN': '规则', en: 'a rule' };
const rule = fc.record({
  id: fc.string(),
  version: fc.nat(),
  colour: fc.constantFrom(...COLOURS),
  mark: fc.constantFrom(null, 'gold' as const),
  status: fc.constantFrom('active' as const, 'awaiting-check-ins' as const),
  quarantineDays: fc.nat(30),
  checkIns: fc.constant(null),
  description: fc.constant(text),
  clears: fc.constant(text),
  howToClear: fc.constant(text),
  evidence: fc.array(fc.record({ fact: fc.string(), source: fc.constantFrom(null, 'self', 'authority', 'trace', 'rail'), at: fc.constantFrom(null, '2026-11-10'), detail: fc.constant({}) }), { maxLength: 3 }),
}) as fc.Arbitrary<FiredRule>;
const decision: fc.Arbitrary<Decision> = fc.record({
  colour: fc.constantFrom(...COLOURS),
  mark: fc.constantFrom(null, 'gold' as const),
  evaluatedAt: instant,
  ruleSet: fc.record({ region: fc.constantFrom('CN', '330000', '330110'), version: fc.nat() }),
  rules: fc.array(rule, { maxLength: 3 }),
  greenOn: fc.option(instant, { nil: null }),
  greenOnNote: fc.constantFrom('already-green' as const, 'needs-action' as const, null),
});
const viewed = fc.record({
  issued: fc.record({ decision, token: fc.string(), maskedName: fc.string(), issuedAt: instant, expiresAt: instant }),
  withheld: fc.boolean(),
});
const factsFrom = fc.option(
  fc.record({ operator: fc.string(), operatorName: fc.string(), bundleIssuedAt: instant, facts: fc.record({ stays: fc.nat(), contacts: fc.nat(), cases: fc.nat(), tests: fc.nat(), vaccinations: fc.nat(), declaration: fc.boolean() }) }),
  { nil: null },
);

describe('the code view (views.ts)', () => {
  it('shows the same fields and values as the decision spread and written over (differential)', () => {
    fc.assert(
      fc.property(viewed, factsFrom, (v, f) => {
        const view = healthCodeViewOf(v, f);
        assert.deepEqual(view, obviousView(v, f));
        assert.deepEqual(Object.keys(view).sort(), Object.keys(obviousView(v, f)).sort());
      }),
      { numRuns: 1000 },
    );
  });
});

/** A buffer that owns all the memory it keeps: not a slice of a shared slab. */
const ownsItsMemory = (bytes: Buffer) => bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length;

describe('the code view as UTF-8 bytes (utf8Bytes)', () => {
  it('holds the bytes Buffer.from writes for any text, Chinese and unpaired surrogates included (differential)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        assert.ok(utf8Bytes(text).equals(Buffer.from(text, 'utf8')));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps a short body in memory of its own, where Buffer.from would cut it from a shared 8 KB slab', () => {
    const body = utf8Bytes('{"maskedName":"张*","colour":"green"}');
    assert.ok(ownsItsMemory(body));
  });
});

/** Services that show one code, the same object on every view (as HealthCodesService's memory does), and no visitor's facts. */
function showing(code: ViewedHealthCode): Services {
  return { healthCodes: { view: async () => code }, moving: { factsFrom: async () => null } } as unknown as Services;
}

describe('the code view bodies kept by the code they show (healthCodeViewBodies)', () => {
  const code: ViewedHealthCode = {
    issued: {
      decision: { colour: 'green', mark: null, evaluatedAt: Date.parse('2026-11-20T02:00:00Z'), ruleSet: { region: '330000', version: 3 }, rules: [], greenOn: null, greenOnNote: 'already-green' },
      token: 'JKM1:RRQT 9P60GO0W3C3EOD',
      maskedName: '张*',
      issuedAt: Date.parse('2026-11-20T02:00:00Z'),
      expiresAt: Date.parse('2026-11-20T02:05:00Z'),
    },
    withheld: false,
  };

  it("keeps the serializer's text as its UTF-8 bytes, in memory of its own", async () => {
    const bodies = healthCodeViewBodies();
    const body = await bodies(showing(code), 'r-1', undefined, (view) => JSON.stringify(view));
    assert.ok(Buffer.isBuffer(body));
    assert.ok(body.equals(Buffer.from(JSON.stringify(healthCodeViewOf(code, null)), 'utf8')));
    assert.ok(ownsItsMemory(body));
  });

  it('sends a refresh of the same code the bytes it kept, without serializing again', async () => {
    const bodies = healthCodeViewBodies();
    let serialized = 0;
    const serialize = (view: ReturnType<typeof healthCodeViewOf>) => (serialized++, JSON.stringify(view));
    const first = await bodies(showing(code), 'r-1', undefined, serialize);
    const refresh = await bodies(showing(code), 'r-1', undefined, serialize);
    assert.equal(refresh, first);
    assert.equal(serialized, 1);
  });
});
