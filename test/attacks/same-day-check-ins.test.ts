import assert from 'node:assert/strict';
import { it } from 'node:test';
import { freshDecision, said } from '../support/fresh-decision.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

/**
 * A resident in yellow quarantine reports a fever at the morning check-in, then checks in again the
 * same day with 36.5 and nothing wrong, hoping the evening's reading replaces the morning's: the
 * fever must stay on the record and keep the code as it made it. Once one after the other, once as
 * two requests racing.
 */

let people = 0;
/** A resident of Yuhang near a suspected case four days ago: yellow, home quarantine with daily check-ins. */
async function quarantined(h: Harness) {
  people += 1;
  const person = { ...ZHANG_WEI, name: '陈晓燕', phone: `1390031${String(people).padStart(4, '0')}`, idNumber: withCheck(`33011019880615${String(200 + people).padStart(3, '0')}`) };
  const app = await h.app();
  const { id, auth } = await signedUpThroughApi(h, person, app);
  const declared = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: { stays: [], contacts: [{ kind: 'suspected', date: '2026-11-16' }], symptoms: [], temperature: 36.6 } });
  assert.equal(declared.statusCode, 201, declared.body);
  const checkIn = (temperature: number, symptoms: string[]) => app.inject({ method: 'POST', url: `/api/v1/residents/${id}/check-ins`, headers: auth, payload: { temperature, symptoms } });
  return { app, id, auth, checkIn };
}

const FEVER = [38.4, ['fever', 'dry_cough']] as const;
const WELL = [36.5, []] as const;

describeOnEachEngine('checking in again the same day to take back a fever', (h) => {
  it('keeps the code a fever reported at the morning check-in made when the resident checks in again later at 36.5 with nothing wrong', async () => {
    const { app, id, auth, checkIn } = await quarantined(h());
    h().clock.set('2026-11-20T10:30:00+08:00');
    const morning = await checkIn(FEVER[0], [...FEVER[1]]);
    assert.equal(morning.statusCode, 201, morning.body);
    const withFever = morning.json();
    assert.ok(withFever.rules.some((r: { id: string }) => r.id === 'yellow-symptoms'), JSON.stringify(withFever.rules));

    h().clock.set('2026-11-20T10:55:00+08:00');
    const evening = await checkIn(WELL[0], [...WELL[1]]);
    assert.equal(evening.statusCode, 201, evening.body);
    const after = evening.json();
    assert.equal(after.colour, withFever.colour);
    assert.deepEqual(after.rules.map((r: { id: string }) => r.id), withFever.rules.map((r: { id: string }) => r.id));
    assert.equal(after.greenOn, withFever.greenOn);

    // Both readings are kept, the morning's as it was.
    const today = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/check-ins/today`, headers: auth })).json();
    assert.deepEqual(today, {
      date: '2026-11-20',
      readings: [
        { at: '2026-11-20T02:30:00.000Z', temperature: 38.4, symptoms: ['fever', 'dry_cough'] },
        { at: '2026-11-20T02:55:00.000Z', temperature: 36.5, symptoms: [] },
      ],
    });
    const code = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth })).json();
    assert.equal(code.colour, withFever.colour);
  });

  it('keeps the fever when the well reading races it in a second request', async () => {
    const { app, id, auth, checkIn } = await quarantined(h());
    h().clock.set('2026-11-20T10:30:00+08:00');
    const answers = await Promise.all([checkIn(FEVER[0], [...FEVER[1]]), checkIn(WELL[0], [...WELL[1]])]);
    assert.deepEqual(answers.map((a) => a.statusCode), [201, 201], answers.map((a) => a.body).join('\n'));
    const today = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/check-ins/today`, headers: auth })).json();
    assert.deepEqual(today.readings.map((r: { temperature: number }) => r.temperature).sort(), [36.5, 38.4]);
    // What is stored is what all the facts give, and it names the fever.
    const stored = JSON.parse((await h().ctx.stores.decisions.current(id))!.decision!);
    assert.deepEqual(said(stored), said(await freshDecision(h(), id)));
    assert.ok(stored.rules.some((r: { id: string }) => r.id === 'yellow-symptoms'), JSON.stringify(stored.rules));
  });
});
