import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BundleFacts, FactBundle } from '../../../src/codes/fact-bundle.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import { createLogger } from '../../../src/logging.js';
import { createContext } from '../../../src/services/context.js';
import type { MovingService } from '../../../src/services/federation/moving-service.js';
import { createServices, type Services } from '../../../src/services/services.js';
import { openDatabase } from '../../../src/store/database.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';

const WANG_LI = '00000000-0000-4000-8000-00000000a001';
const NINGBO_STAY = { region: '330203', detail: '海曙区中山西路 138 号 2 单元 1101 室' };

/** What Hubei holds for her: a positive test yesterday; `negativeSince` adds a negative test after it. */
function factsAtHome(now: number, negativeSince?: number): BundleFacts {
  const tests = [{ result: 'positive' as const, at: now - DAY_MS, source: 'authority' as const, recordedAt: now - DAY_MS + HOUR_MS }];
  if (negativeSince !== undefined) tests.push({ result: 'negative' as never, at: negativeSince, source: 'authority', recordedAt: negativeSince + HOUR_MS });
  return { declaration: null, stays: [], contacts: [], cases: [], tests, vaccinations: [] };
}

/** A bundle from Hubei stored as admitVisitor stores it (its checks are fact-grants.test.ts's). */
async function storeBundle(moving: MovingService, create: boolean, issuedAt: number, facts: BundleFacts): Promise<void> {
  const bundle = { v: 1, iss: 'hubei', aud: 'zhejiang', sub: 'wang-li-for-zhejiang', maskedName: '王*', homeRegion: '420000', issuedAt, facts } as unknown as FactBundle;
  const store = (moving as unknown as { storeVisitor: (id: string, create: boolean, v: object) => Promise<void> }).storeVisitor.bind(moving);
  await store(WANG_LI, create, { home: { id: 'hubei' }, bundle, phone: '+8613871234567', address: NINGBO_STAY, phoneVerifiedAt: issuedAt });
}

/** A second server process on the same database: its own store, caches and change feed. */
async function secondProcess(h: Harness): Promise<{ services: Services; close: () => Promise<void> }> {
  const opened = h.opened;
  const store = opened.location.kind === 'sqlite' ? await openDatabase(opened.config) : await openDatabase(opened.config, { schema: opened.location.schema, poolSize: 2, listen: true });
  const services = createServices(createContext({ database: store, clock: h.clock, dataKey: h.dataKey, logger: createLogger('silent'), settings: h.ctx.settings }));
  return { services, close: () => store.close() };
}

/** Waits (at most 3 s) for `check` to hold: a NOTIFY takes a moment to travel. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 3 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeOnEachEngine("where a resident's facts came from", (h) => {
  it("reads a resident's origin once while 12,000 other residents' are read in turn (as many as the codes kept)", async () => {
    // Counted at the store: every resident here registered here, none came with a home registration.
    const federation = h().ctx.stores.federation;
    const reads: string[] = [];
    federation.visitorLink = async (residentId: string) => void reads.push(residentId);
    const residents = Array.from({ length: 12_001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of [...residents, residents[0]!]) assert.equal(await h().services.moving.factsFrom(id), null);
    assert.deepEqual(reads, residents);
  });

  it("reads a resident's origin on every view when HEALTHCODE_CACHE_ENTRIES=0 turns the caches off", async () => {
    const ctx = createContext({ database: h().ctx.database, clock: h().clock, dataKey: h().dataKey, logger: createLogger('silent'), settings: { ...h().ctx.settings, cacheEntries: 0 } });
    const reads: string[] = [];
    ctx.stores.federation.visitorLink = async (residentId: string) => void reads.push(residentId);
    const services = createServices(ctx);
    for (let i = 0; i < 3; i += 1) assert.equal(await services.moving.factsFrom(WANG_LI), null);
    assert.deepEqual(reads, [WANG_LI, WANG_LI, WANG_LI]);
  });

  it('shows the counts of a newer bundle from home stored by another process between two views', async () => {
    // Two server processes on one database, each listening to the change feed (the harness's own store does not listen).
    const [one, other] = [await secondProcess(h()), await secondProcess(h())];
    try {
      const now = h().clock.now().getTime();
      await storeBundle(one.services.moving, true, now, factsAtHome(now));
      assert.equal((await one.services.moving.factsFrom(WANG_LI))?.facts.tests, 1);
      h().clock.advance(10 * MINUTE_MS);
      const later = h().clock.now().getTime();
      await storeBundle(other.services.moving, false, later, factsAtHome(now, later - HOUR_MS));
      await eventually(async () => (await one.services.moving.factsFrom(WANG_LI))?.facts.tests === 2, 'the new bundle shown by the first process');
      assert.equal((await one.services.moving.factsFrom(WANG_LI))?.bundleIssuedAt, later);
    } finally {
      await one.close();
      await other.close();
    }
  });

  it('reads the store while the change feed cannot vouch that no change was missed', async () => {
    const now = h().clock.now().getTime();
    await storeBundle(h().services.moving, true, now, factsAtHome(now));
    await h().services.moving.factsFrom(WANG_LI);
    const federation = h().ctx.stores.federation;
    const read = federation.visitorLink.bind(federation);
    let reads = 0;
    federation.visitorLink = async (residentId: string) => (reads++, read(residentId));
    h().ctx.database.changes.upToDate = () => false;
    assert.equal((await h().services.moving.factsFrom(WANG_LI))?.facts.tests, 1);
    assert.equal(reads, 1);
  });

  it('answers a warm view two minutes later, with nothing changed, without reading the visitor link', async () => {
    const now = h().clock.now().getTime();
    await storeBundle(h().services.moving, true, now, factsAtHome(now));
    const first = await h().services.moving.factsFrom(WANG_LI);
    const federation = h().ctx.stores.federation;
    let reads = 0;
    federation.visitorLink = async () => void reads++;
    h().clock.advance(2 * MINUTE_MS);
    assert.equal(await h().services.moving.factsFrom(WANG_LI), first);
    assert.equal(reads, 0);
  });

  it('keeps no origin built from a link read before a newer bundle was stored, nor from a link read at an unknown watermark', async () => {
    const moving = h().services.moving;
    const federation = h().ctx.stores.federation;
    const now = h().clock.now().getTime();
    await storeBundle(moving, true, now, factsAtHome(now));
    // A code view reads her link along with the session (at this watermark), then a newer bundle is stored.
    const watermark = moving.originWatermark();
    const link = (await federation.visitorLink(WANG_LI))!;
    h().clock.advance(10 * MINUTE_MS);
    const later = h().clock.now().getTime();
    await storeBundle(moving, false, later, factsAtHome(now, later - HOUR_MS));
    await moving.factsFrom(WANG_LI, link, watermark);
    assert.equal((await moving.factsFrom(WANG_LI))?.bundleIssuedAt, later);
    // A link handed over without its watermark is used once, never kept.
    const read = federation.visitorLink.bind(federation);
    let reads = 0;
    federation.visitorLink = async (residentId: string) => (reads++, read(residentId));
    const fresh = (await read(WANG_LI))!;
    const other = '00000000-0000-4000-8000-00000000a002';
    assert.equal(await moving.factsFrom(other, null), null);
    assert.equal(await moving.factsFrom(other), null);
    assert.equal(reads, 1);
    assert.equal((await moving.factsFrom(WANG_LI, fresh))?.bundleIssuedAt, later);
  });
});
