import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { ScheduledJobs } from '../../src/services/scheduled-jobs.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { registerVerified, signInCodesOf } from '../support/sign-in.js';

const wuhanTrip = {
  stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }],
  contacts: [],
  symptoms: [],
  temperature: 36.5,
};

/** Zhang came back from Wuchang, which is then listed high-risk: red, green on 29 November 18:30. */
async function quarantined(h: Harness): Promise<string> {
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, wuhanTrip);
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  for (let day = 0; day < 10; day++) {
    await h.services.checkIns.checkIn(id, { temperature: 36.6, symptoms: [] });
    h.clock.advance(DAY_MS);
  }
  return id;
}

const statusOf = async (h: Harness, id: string) => h.opened.store.db.selectFrom('resident_status').select(['colour', 'green_on']).where('resident_id', '=', id).executeTakeFirstOrThrow();
const jobsOf = (h: Harness) => new ScheduledJobs(h.services, createLogger('silent'), 28);

describeOnEachEngine('scheduled jobs', (h) => {
  it('leaves a quarantine alone until its green-on time has passed', async () => {
    const id = await quarantined(h());
    h().clock.set('2026-11-29T18:00:00+08:00');
    assert.deepEqual(await jobsOf(h()).sweepDecisions(), { redecided: 0, colourChanges: 0, notified: 0 });
    assert.equal((await statusOf(h(), id)).colour, 'red');
  });

  it('turns a finished quarantine green without the resident opening the app, and says why', async () => {
    const id = await quarantined(h());
    h().clock.set('2026-11-29T19:00:00+08:00');
    assert.deepEqual(await jobsOf(h()).sweepDecisions(), { redecided: 1, colourChanges: 1, notified: 1 });
    assert.equal((await statusOf(h(), id)).colour, 'green');
    const [latest] = await h().services.decisions.history(id, 1);
    assert.equal(latest?.cause, 'time passed');
    const [told] = await h().ctx.stores.outbox.list(1, '+8613912345678');
    assert.match(told?.body ?? '', /^【健康码】您的健康码已变为绿码。/, 'the quarantine ending is told like any change, within the minute');
  });

  it('leaves alone a green resident whose decision still holds', async () => {
    const id = await registerVerified(h(), LIU_FANG);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    h().clock.advance(60_000);
    assert.deepEqual(await jobsOf(h()).sweepDecisions(), { redecided: 0, colourChanges: 0, notified: 0 });
  });

  it('turns a green resident gray once their declaration is stale, without them opening the app', async () => {
    const id = await registerVerified(h(), LIU_FANG);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    h().clock.advance(14 * DAY_MS + 60_000);
    assert.deepEqual(await jobsOf(h()).sweepDecisions(), { redecided: 1, colourChanges: 1, notified: 1 });
    assert.equal((await statusOf(h(), id)).colour, 'gray');
  });

  it("purges sign-in codes once they can neither be used nor count against the hour's limit: each keeps its phone's blind index", async () => {
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    h().clock.advance(2 * 3_600_000);
    await h().services.signIn.requestSignInCode(LIU_FANG.phone!);
    const codesOf = (e164: string) => signInCodesOf(h(), e164);
    assert.equal((await new ScheduledJobs(h().services, createLogger('silent'), 7).purge()).signInCodes, 1);
    assert.deepEqual(await codesOf('+8613912345678'), [], "Zhang's code of two hours ago is gone");
    assert.equal((await codesOf('+8615067891234')).length, 1, "Liu's, just sent, stays");
  });

  it('purges by the configured retention window', async () => {
    const venue = await h().services.venues.registerVenue({ name: '临平银泰城', type: 'mall', region: '330113', address: '迎宾路 2 号', latitude: 30.42, longitude: 120.3, operator: '银泰商业' });
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await h().services.scans.visit(id, venue.id, 'visit-1');
    h().clock.advance(10 * DAY_MS);
    assert.deepEqual(await new ScheduledJobs(h().services, createLogger('silent'), 7).purge(), { scans: 1, checkIns: 0, oauthRecords: 0, signInCodes: 0 });
  });
});
