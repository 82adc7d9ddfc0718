import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contactAt, DRAIN_GAP_MS, firstContact, MAX_DRAIN_MS } from '../../src/domain/checkpoints/checkpoint-device-contact.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { VENUES_PER_OPERATOR_PER_DAY } from '../../src/services/checkpoints/venues-service.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const MINUTE = 60_000;
const ID_LOOKUPS_PER_HOUR = DEFAULT_LIMITS.idLookupsPerCheckpointDevicePerHour;

async function gate(h: Harness) {
  const venue = await h.services.venues.registerVenue({ name: '武林广场地铁站', type: 'subway_station', region: '330105', address: '武林广场', latitude: 30.27, longitude: 120.16, operator: '杭州地铁' });
  return (await h.services.venues.registerCheckpointDevice(venue.id, '1 号闸机')).token;
}

async function greenResident(h: Harness, person = ZHANG_WEI): Promise<string> {
  const id = await registerVerified(h, person);
  await h.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  return id;
}

describeOnEachEngine('verifying a code online, again', (h) => {
  it('stores a retried verification once and answers the retry as a duplicate', async () => {
    const app = await h().app();
    const device = await gate(h());
    const token = (await h().services.healthCodes.issue(await greenResident(h()))).token;
    const first = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: 'gate1-0001', token } });
    h().clock.advance(2000);
    const retry = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: 'gate1-0001', token } });
    assert.deepEqual([first.json().status, retry.json().status], ['stored', 'duplicate']);
    assert.equal((await h().opened.store.db.selectFrom('scans').selectAll().execute()).length, 1);
  });

  it('stores one row when retries of a verification arrive together', async () => {
    const app = await h().app();
    const device = await gate(h());
    const token = (await h().services.healthCodes.issue(await greenResident(h()))).token;
    // Each retry is timed by the server a moment apart: the scan key alone would not tell them apart.
    const clock = h().clock;
    const read = clock.now.bind(clock);
    clock.now = () => {
      clock.advance(1);
      return read();
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: bearer(device), payload: { scanId: 'gate1-0002', token } })));
    assert.deepEqual(answers.map((a) => a.json().status).sort(), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored']);
    assert.equal((await h().opened.store.db.selectFrom('scans').selectAll().execute()).length, 1);
  });
});

describeOnEachEngine('a device back-dating the scan of an expired code', (h) => {
  it('flags a scan claimed from before the device last reached the server, and judges the code as of then', async () => {
    const app = await h().app();
    const device = await gate(h());
    const zhang = await greenResident(h());
    // 10:00 a code is shown; it expires at 10:05.
    const token = (await h().services.healthCodes.issue(zhang)).token;
    // 10:30 the device is online and uploads what it has.
    h().clock.advance(30 * MINUTE);
    const liuToken = (await h().services.healthCodes.issue(await greenResident(h(), LIU_FANG))).token;
    await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans: [{ scanId: 'g-1', token: liuToken, scannedAt: h().clock.now().toISOString() }] } });
    // 14:00 it uploads the 10:00 code as if scanned at 10:02.
    h().clock.advance(210 * MINUTE);
    const upload = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans: [{ scanId: 'g-2', token, scannedAt: '2026-11-20T10:02:00+08:00' }] } });
    const [outcome] = upload.json().results;
    assert.deepEqual([outcome.status, outcome.admitted, outcome.reason, outcome.timeFlag], ['stored', false, 'expired', 'before-last-contact']);
    const row = await h().opened.store.db.selectFrom('scans').select(['time_flag', 'admitted']).where('scan_id', '=', 'g-2').executeTakeFirstOrThrow();
    assert.deepEqual(row, { time_flag: 'before-last-contact', admitted: 0 });
  });

  it('accepts a whole offline morning uploaded in small batches once the device is back', async () => {
    const app = await h().app();
    const device = await gate(h());
    const ids = [await greenResident(h()), await greenResident(h(), LIU_FANG)];
    const scans: { scanId: string; token: string; scannedAt: string }[] = [];
    // Offline from 10:00: a scan an hour until 13:00, each of a code valid then.
    for (let hour = 0; hour < 4; hour += 1) {
      scans.push({ scanId: `off-${hour}`, token: (await h().services.healthCodes.issue(ids[hour % 2]!)).token, scannedAt: h().clock.now().toISOString() });
      h().clock.advance(60 * MINUTE);
    }
    const outcomes = [];
    for (const scan of scans) {
      h().clock.advance(1000);
      outcomes.push(...(await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: bearer(device), payload: { scans: [scan] } })).json().results);
    }
    assert.deepEqual(
      outcomes.map((o: { status: string; admitted: boolean; timeFlag?: string }) => [o.status, o.admitted, o.timeFlag ?? null]),
      scans.map(() => ['stored', true, null]),
    );
  });
});

describe('the earliest scan time a device can honestly claim', () => {
  const created = Date.parse('2026-11-20T08:00:00+08:00');
  it('is its registration while it has never reached the server', () => {
    assert.equal(contactAt(firstContact(created), created + 300 * MINUTE).earliestScan, created);
  });
  it('stays at the contact before a drain while the drain goes on', () => {
    let contact = contactAt(firstContact(created), created + 300 * MINUTE).contact;
    for (let i = 1; i <= 5; i += 1) {
      const next = contactAt(contact, created + 300 * MINUTE + i * 1000);
      assert.equal(next.earliestScan, created);
      contact = next.contact;
    }
  });
  it('moves to the start of a run that lasted longer than any queue takes to upload', () => {
    let contact = contactAt(firstContact(created), created + 300 * MINUTE).contact;
    for (let t = 1; t * (DRAIN_GAP_MS / 2) <= MAX_DRAIN_MS + DRAIN_GAP_MS; t += 1) contact = contactAt(contact, created + 300 * MINUTE + t * (DRAIN_GAP_MS / 2)).contact;
    assert.equal(contactAt(contact, contact.last + 1000).earliestScan, created + 300 * MINUTE);
  });
  it('moves to the last contact once the device comes back after a gap', () => {
    const back = contactAt(contactAt(firstContact(created), created + 60 * MINUTE).contact, created + 180 * MINUTE);
    assert.equal(back.earliestScan, created + 60 * MINUTE);
  });
});

describeOnEachEngine('a device checking ID numbers', (h) => {
  it(`answers at most ${ID_LOOKUPS_PER_HOUR} an hour, then 429 with Retry-After`, async () => {
    const app = await h().app();
    const device = await gate(h());
    await greenResident(h());
    const lookup = () => app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(device), payload: { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber } });
    for (let i = 0; i < ID_LOOKUPS_PER_HOUR; i += 1) assert.equal((await lookup()).statusCode, 200);
    const refused = await lookup();
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    h().clock.advance(61 * MINUTE);
    assert.equal((await lookup()).statusCode, 200);
  });

  it('audits a miss, without the number looked up', async () => {
    const app = await h().app();
    const device = await gate(h());
    const miss = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(device), payload: { idType: 'resident_id', idNumber: LIU_FANG.idNumber } });
    assert.equal(miss.statusCode, 404);
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.equal(entry?.action, 'check-by-id-number-miss');
    assert.ok(!JSON.stringify(entry).includes(LIU_FANG.idNumber));
  });
});

describeOnEachEngine('ID look-ups raced, and spread over many devices', (h) => {
  const idLookup = { idType: 'resident_id', idNumber: ZHANG_WEI.idNumber };

  it(`evaluates at most ${ID_LOOKUPS_PER_HOUR} of 200 look-ups one device sends at once`, async () => {
    const app = await h().app();
    const device = await gate(h());
    await greenResident(h());
    const answers = await Promise.all(Array.from({ length: 200 }, () => app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(device), payload: idLookup })));
    const evaluated = answers.filter((a) => a.statusCode === 200).length;
    assert.equal(evaluated, ID_LOOKUPS_PER_HOUR, `${evaluated} look-ups were evaluated`);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 200 - ID_LOOKUPS_PER_HOUR);
    const audited = (await h().services.audit.entries({ limit: 1000 })).filter((e) => e.action.startsWith('check-by-id-number'));
    assert.equal(audited.length, ID_LOOKUPS_PER_HOUR);
  });

  it('holds the venues one operator credential registers to one bound of ID checks, and to a few new venues a day', async () => {
    const app = await h().app();
    await greenResident(h());
    const operator = await h().services.staff.create('武林广场站务', 'venue');
    const venues = [];
    for (let i = 1; i <= VENUES_PER_OPERATOR_PER_DAY + 2; i++) {
      venues.push(await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(operator.token), payload: { name: `${i} 号站`, type: 'subway_station', region: '330105', address: '武林广场', latitude: 30.27, longitude: 120.16, operator: '杭州地铁' } }));
    }
    assert.deepEqual([venues.filter((r) => r.statusCode === 201).length, venues.filter((r) => r.statusCode === 429).length], [VENUES_PER_OPERATOR_PER_DAY, 2]);
    // One device in each of four venues, each well within its own venue's bound: together no further than one venue's.
    const tokens = [];
    for (const venue of venues.slice(0, 4)) tokens.push((await app.inject({ method: 'POST', url: `/api/v1/venues/${venue.json().id}/devices`, headers: bearer(operator.token), payload: { name: '北门闸机' } })).json().token as string);
    const answers = [];
    for (const token of tokens) for (let i = 0; i < DEFAULT_LIMITS.idLookupsPerCheckpointDevicePerHour; i++) answers.push(await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(token), payload: idLookup }));
    assert.equal(answers.filter((a) => a.statusCode === 200).length, DEFAULT_LIMITS.idLookupsPerVenuePerHour);
  });

  it("holds a venue's many devices to one bound, and stops a venue credential making devices without end", async () => {
    const app = await h().app();
    await greenResident(h());
    const operator = await h().services.staff.create('武林广场站务', 'venue');
    const venue = (await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(operator.token), payload: { name: '武林广场地铁站', type: 'subway_station', region: '330105', address: '武林广场', latitude: 30.27, longitude: 120.16, operator: '杭州地铁' } })).json();
    const made = [];
    for (let i = 1; i <= DEFAULT_LIMITS.checkpointDevicesPerVenuePerDay + 5; i++) {
      made.push(await app.inject({ method: 'POST', url: `/api/v1/venues/${venue.id}/devices`, headers: bearer(operator.token), payload: { name: `${i} 号闸机` } }));
    }
    assert.deepEqual([made.filter((r) => r.statusCode === 201).length, made.filter((r) => r.statusCode === 429).length], [DEFAULT_LIMITS.checkpointDevicesPerVenuePerDay, 5]);
    const devices = made.filter((r) => r.statusCode === 201).map((r) => r.json().token as string);
    // Ten devices, each well within its own limit: together they get no further than the venue's.
    const answers = await Promise.all(devices.slice(0, 10).flatMap((token) => Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(token), payload: idLookup }))));
    assert.equal(answers.filter((a) => a.statusCode === 200).length, DEFAULT_LIMITS.idLookupsPerVenuePerHour);
    // Another venue's gate is not held up by this one.
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(await gate(h())), payload: idLookup })).statusCode, 200);
    // The next day the venue may add devices again.
    h().clock.advance(24 * 60 * MINUTE);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/venues/${venue.id}/devices`, headers: bearer(operator.token), payload: { name: '新闸机' } })).statusCode, 201);
  });
});
