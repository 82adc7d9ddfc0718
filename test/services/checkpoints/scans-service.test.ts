import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { DAY_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import { ScanPartitions } from '../../../src/store/checkpoints/scans-store.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { checkpointGate } from '../../support/gates.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';

const gate = (h: Harness) => checkpointGate(h);

const storedScans = async (h: Harness) => (await h.opened.store.db.selectFrom('scans').select(['scan_id', 'scanned_at']).orderBy('scan_id').execute()).map((r) => r.scan_id);

describeOnEachEngine('scan storage', (h) => {
  it('stores a scan id repeated within one batch once, and reports the repeat as a duplicate', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const scan = { scanId: 'east3-000117', token, scannedAt: '2026-11-20T09:58:00+08:00' };
    const outcomes = await h().services.scans.recordScans(device, [scan, scan], 'offline');
    assert.deepEqual(outcomes.map((o) => o.status), ['stored', 'duplicate']);
    assert.deepEqual(await storedScans(h()), ['east3-000117']);
  });

  it('refuses a scan id the device already used, sent again with another time, as a duplicate', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const first = { scanId: 'east3-000118', token, scannedAt: '2026-11-20T09:58:00+08:00' };
    await h().services.scans.recordScans(device, [first], 'offline');
    h().clock.advance(3 * DAY_MS);
    const outcomes = await h().services.scans.recordScans(device, [{ ...first, scannedAt: '2026-11-22T18:00:00+08:00' }], 'offline');
    assert.deepEqual(outcomes.map((o) => o.status), ['duplicate']);
    assert.equal((await storedScans(h())).length, 1);
  });

  it('stores the first of one scan id sent twice in a batch, a forged code first and a valid one with another time after', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const outcomes = await h().services.scans.recordScans(
      device,
      [
        { scanId: 'east3-000121', token: 'HC1:NOT-A-CODE', scannedAt: '2026-11-20T09:58:00+08:00' },
        { scanId: 'east3-000121', token, scannedAt: '2026-11-20T09:58:30+08:00' },
      ],
      'offline',
    );
    assert.deepEqual(outcomes.map((o) => o.status), ['stored', 'duplicate']);
    const rows = await h().opened.store.db.selectFrom('scans').select(['scan_id', 'admitted']).execute();
    assert.deepEqual(rows, [{ scan_id: 'east3-000121', admitted: 0 }]);
  });

  it('stores one row when two uploads race with one scan id under different times', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const outcomes = await Promise.all(
      ['2026-11-20T09:58:00+08:00', '2026-11-19T21:00:00+08:00', '2026-11-18T08:00:00+08:00'].map((scannedAt) =>
        h().services.scans.recordScans(device, [{ scanId: 'east3-000122', token, scannedAt }], 'offline').then(([o]) => o!.status),
      ),
    );
    assert.deepEqual(outcomes.sort(), ['duplicate', 'duplicate', 'stored']);
    assert.deepEqual(await storedScans(h()), ['east3-000122']);
  });

  it('stores a scan verified online and then sent again in an offline batch, with the device\'s own time, once', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const online = await h().services.scans.verifyOnline(device, { scanId: 'east3-000119', token });
    assert.equal(online.status, 'stored');
    h().clock.advance(40 * MINUTE_MS);
    const scannedAt = new Date(h().clock.now().getTime() - 40 * MINUTE_MS - 3_000).toISOString();
    const batch = await h().services.scans.recordScans(device, [{ scanId: 'east3-000119', token, scannedAt }], 'offline');
    assert.deepEqual(batch.map((o) => o.status), ['duplicate']);
    assert.deepEqual(await storedScans(h()), ['east3-000119']);
  });

  it('stores one row when the online verification and the offline batch of one scan arrive at once', async () => {
    const { device } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const token = (await h().services.healthCodes.issue(zhang.id)).token;
    const scannedAt = new Date(h().clock.now().getTime() - 2_000).toISOString();
    const outcomes = await Promise.all([
      h().services.scans.verifyOnline(device, { scanId: 'east3-000120', token }),
      h().services.scans.recordScans(device, [{ scanId: 'east3-000120', token, scannedAt }], 'offline').then(([o]) => o!),
      h().services.scans.verifyOnline(device, { scanId: 'east3-000120', token }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['duplicate', 'duplicate', 'stored']);
    assert.deepEqual(await storedScans(h()), ['east3-000120']);
  });

  it('treats a retry of a place-code visit later in the day as the same visit', async () => {
    const { venue } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    assert.equal((await h().services.scans.visit(zhang.id, venue.id, 'app-7f3a')).status, 'stored');
    h().clock.advance(90 * MINUTE_MS);
    assert.equal((await h().services.scans.visit(zhang.id, venue.id, 'app-7f3a')).status, 'duplicate');
    assert.deepEqual(await storedScans(h()), ['app-7f3a']);
  });

  it('keeps the scans of different devices apart even when their scan ids are the same', async () => {
    const first = await gate(h());
    const second = await gate(h());
    const liu = await h().services.residents.register(LIU_FANG);
    const token = (await h().services.healthCodes.issue(liu.id)).token;
    const scan = { scanId: '000001', token, scannedAt: '2026-11-20T09:59:00+08:00' };
    await h().services.scans.recordScans(first.device, [scan], 'offline');
    const outcomes = await h().services.scans.recordScans(second.device, [scan], 'offline');
    assert.deepEqual(outcomes.map((o) => o.status), ['stored']);
    assert.equal((await storedScans(h())).length, 2);
  });
});

describeOnEachEngine('scan partitions by day', (h) => {
  const partitionsOf = async (h: Harness) => new ScanPartitions(h.opened.store.db).days();
  const inDefault = async (h: Harness) => Number((await sql<{ n: number }>`select count(*)::int as n from scans_default`.execute(h.opened.store.db)).rows[0]?.n);

  it('gives each day in the retention window and the next three its own partition, moving rows out of the default', async (t) => {
    if (h().engine !== 'postgres') return t.skip('partitions are a PostgreSQL feature');
    const { venue } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.scans.visit(zhang.id, venue.id, 'before-partitions');
    assert.equal(await inDefault(h()), 1);
    await h().services.scans.purge(28);
    const days = await partitionsOf(h());
    const today = Math.floor(h().clock.now().getTime() / DAY_MS) * DAY_MS;
    assert.equal(days[0], today - 28 * DAY_MS);
    assert.equal(days.at(-1), today + 3 * DAY_MS);
    assert.equal(await inDefault(h()), 0);
    assert.deepEqual(await storedScans(h()), ['before-partitions']);
  });

  it('drops the partitions of days past retention and keeps the rest', async (t) => {
    if (h().engine !== 'postgres') return t.skip('partitions are a PostgreSQL feature');
    const { venue } = await gate(h());
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.scans.purge(28);
    await h().services.scans.visit(zhang.id, venue.id, 'day-1');
    h().clock.advance(2 * DAY_MS);
    await h().services.scans.visit(zhang.id, venue.id, 'day-3');
    h().clock.advance(27 * DAY_MS);
    const before = (await partitionsOf(h()))[0]!;
    assert.deepEqual(await h().services.scans.purge(28), { scans: 1, checkIns: 0 });
    assert.ok((await partitionsOf(h()))[0]! > before);
    assert.deepEqual(await storedScans(h()), ['day-3']);
  });
});
