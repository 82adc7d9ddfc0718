import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Decision } from '../../../src/domain/rules/decide.js';
import { BatchRedecision, inChunks, pipelined, type RedecisionChunk } from '../../../src/services/decisions/batch-redecision.js';
import { EvaluationPool } from '../../../src/services/decisions/evaluation-pool.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { insertResidents, listAreas, population } from '../../support/random-population.js';

/** What a decision says, as stored: colour, mark, rules with their evidence, greenOn and its note. */
const said = (decision: Decision) => JSON.parse(JSON.stringify(decision)) as unknown;

async function stored(h: Harness, ids: string[]): Promise<Map<string, { decision: unknown; validUntil: number | null }>> {
  const rows = await h.ctx.database.db.selectFrom('resident_status').select(['resident_id', 'decision', 'valid_until']).where('resident_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.resident_id, { decision: JSON.parse(r.decision!) as unknown, validUntil: r.valid_until }]));
}

async function* chunks<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe('running chunks through read, decide and write', () => {
  it('writes every chunk in order, one write at a time, while the next chunk is read', async () => {
    const log: string[] = [];
    let writing = 0;
    await pipelined(
      chunks([1, 2, 3]),
      async (n) => (log.push(`read ${n}`), n),
      async (n) => {
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`decided ${n}`);
        return n;
      },
      async (n) => {
        writing += 1;
        assert.equal(writing, 1, 'one write at a time');
        log.push(`write ${n}`);
        await new Promise((resolve) => setImmediate(resolve));
        writing -= 1;
      },
    );
    assert.deepEqual(log.filter((l) => l.startsWith('write')), ['write 1', 'write 2', 'write 3']);
    assert.ok(log.indexOf('read 2') < log.indexOf('decided 1'), 'chunk 2 is read while chunk 1 is decided');
  });

  it('stops at a failed write and writes no later chunk', async () => {
    const written: number[] = [];
    const failing = pipelined(chunks([1, 2, 3, 4]), async (n) => n, async (n) => n, async (n) => {
      if (n === 2) throw new Error('disk full');
      written.push(n);
    });
    await assert.rejects(failing, /disk full/);
    assert.deepEqual(written, [1]);
  });

  it('meets a write that fails while the next chunk is decided as the run failing, not as a crash of the process', async () => {
    const turns = async (n: number) => {
      for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    const failing = pipelined(chunks([1, 2]), async (n) => n, async (n) => (await turns(n === 2 ? 20 : 0), n), async () => {
      await turns(1);
      throw new Error('disk full');
    });
    await assert.rejects(failing, /disk full/);
  });

  it('stops at a failed read, having written the chunks read before it', async () => {
    const written: number[] = [];
    const failing = pipelined(chunks([1, 2, 3]), async (n) => {
      if (n === 3) throw new Error('connection lost');
      return n;
    }, async (n) => n, async (n) => void written.push(n));
    await assert.rejects(failing, /connection lost/);
    assert.deepEqual(written, [1, 2]);
  });
});

describeOnEachEngine('re-deciding residents in chunks', (h) => {
  // Evaluated on this thread, and on a pool of two worker threads (the facts cross as plain data, the decisions come back).
  let pool: EvaluationPool | undefined;
  before(() => {
    pool = new EvaluationPool(2, 'Asia/Shanghai');
  });
  after(() => pool?.close());
  const where = [
    { name: 'on this thread', redecide: (chunks: AsyncIterable<RedecisionChunk>) => h().services.decisions.redecideChunks(chunks) },
    { name: 'on worker threads', redecide: (chunks: AsyncIterable<RedecisionChunk>) => new BatchRedecision({ ...h().ctx, evaluations: pool! }, h().services.rules, h().services.notices).run(chunks) },
  ];

  for (const { name, redecide } of where) {
    it(`decides every resident ${name}, residents with equal facts too, as deciding them one at a time does (colour, rules, evidence, greenOn, how long it holds), one deleted mid-run left out`, { timeout: 600_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(population, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 7 }), fc.array(fc.boolean(), { maxLength: 36 }), fc.option(fc.nat()), async ({ residents, areas }, twins, chunk, decidedBefore, deletion) => {
          const now = h().clock.now().getTime();
          await listAreas(h().ctx, [], now);
          // Twins have the facts of another resident (the same stays, tests, check-ins): a chunk evaluates them once.
          const ids = await insertResidents(h().ctx, [...residents, ...twins.map((n) => residents[n % residents.length]!)], now);
          // Some hold a decision from before the areas were listed: their change of colour is told.
          await h().services.decisions.decideMany(ids.filter((_, i) => decidedBefore[i]), 'before');
          await listAreas(h().ctx, areas, now);

          // A resident deletes their account while the run goes on: when the second chunk is asked for, the first
          // has been read and is being decided, so the deleted one may be in a chunk read but not yet saved.
          const deleted = deletion === null ? undefined : ids[deletion % ids.length]!;
          async function* deleting(): AsyncIterable<RedecisionChunk> {
            let n = 0;
            for await (const c of inChunks(ids, 'in chunks', chunk)) {
              if (n++ === 1 && deleted !== undefined) await h().ctx.stores.residents.deleteMany([deleted]);
              yield c;
            }
            if (n <= 1 && deleted !== undefined) await h().ctx.stores.residents.deleteMany([deleted]);
          }
          await redecide(deleting());
          const batched = await stored(h(), ids);

          for (const id of ids.filter((i) => i !== deleted)) {
            const one = await h().services.decisions.decide(id, 'one at a time');
            const row = (await stored(h(), [id])).get(id)!;
            assert.deepEqual(batched.get(id)?.decision, said(one), `resident ${ids.indexOf(id)}'s decision`);
            assert.equal(batched.get(id)?.validUntil, row.validUntil, `resident ${ids.indexOf(id)}'s decision holds as long`);
          }
          assert.equal(deleted === undefined ? undefined : batched.get(deleted), undefined, 'the deleted resident has no decision');
          // Deciding again found nothing new to record in anyone's history.
          const recorded = await h().ctx.database.db.selectFrom('decisions').select('id').where('resident_id', 'in', ids).where('cause', '=', 'one at a time').execute();
          assert.equal(recorded.length, 0);
        }),
        { numRuns: 12, includeErrorInReport: true },
      );
    });
  }

  it('queues one notice per change of colour, in the transaction of the chunk that records it', async () => {
    const now = h().clock.now().getTime();
    const toWuhan = { registeredDaysAgo: 30, phoneVerified: true, stays: [{ place: 0, daysAgo: 5, days: 1, travel: false }], symptoms: false, temperature: 36.5, test: null, contactDaysAgo: null, checkIns: [] };
    const ids = await insertResidents(h().ctx, Array.from({ length: 5 }, () => toWuhan), now);
    await h().services.decisions.decideMany(ids, 'before');
    await listAreas(h().ctx, [{ area: 0, level: 'high', daysAgo: 10, lastsDays: null }], now);
    const result = await h().services.decisions.redecideChunks(inChunks(ids, 'risk area', 2));
    assert.deepEqual({ redecided: result.redecided, colourChanges: result.colourChanges }, { redecided: 5, colourChanges: 5 });
    const notices = await h().ctx.database.db.selectFrom('colour_notices').select('resident_id').where('resident_id', 'in', ids).execute();
    assert.deepEqual(notices.map((n) => n.resident_id).sort(), [...ids].sort());
  });

  it('decides a resident named in two chunks once', async () => {
    const now = h().clock.now().getTime();
    const [id] = await insertResidents(h().ctx, [{ registeredDaysAgo: 30, phoneVerified: true, stays: [], symptoms: false, temperature: 36.5, test: null, contactDaysAgo: null, checkIns: [] }], now);
    await h().services.decisions.redecideChunks(chunks([{ ids: [id!], cause: 'first' }, { ids: [id!], cause: 'second' }]));
    const history = await h().ctx.database.db.selectFrom('decisions').select('cause').where('resident_id', '=', id!).execute();
    assert.deepEqual(history.map((r) => r.cause), ['first']);
  });
});
