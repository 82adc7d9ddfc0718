import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { checkpointGate } from '../../support/gates.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

async function gate(h: Harness) {
  return (await checkpointGate(h, { name: '银泰百货', type: 'mall', address: '延安路 98 号', latitude: 30.25, longitude: 120.16, operator: '银泰商业' }, '北门 1 号')).device;
}

/** Zhang, living in 330102, holding a code signed green; then his district is listed high-risk. */
async function greenCodeTurnedRed(h: Harness) {
  const id = await registerVerified(h, ZHANG_WEI);
  const arrival = new Date(h.clock.now().getTime() - 10 * DAY_MS).toISOString();
  await h.services.declarations.declare(id, { stays: [{ region: '330102', arrival }], contacts: [], symptoms: [], temperature: 36.5 });
  const code = await h.services.healthCodes.issue(id);
  assert.equal(code.decision.colour, 'green');
  h.clock.advance(MINUTE_MS);
  await h.services.authority.setRiskArea({ region: '330102', level: 'high', from: new Date(h.clock.now().getTime() - 5 * DAY_MS).toISOString() });
  assert.equal((await h.services.decisions.current(id)).decision.colour, 'red');
  return { id, token: code.token };
}

describeOnEachEngine('an ordinary code checked online', (h) => {
  it('is judged by the colour decided now: a code signed green before its district was listed high-risk is refused red', async () => {
    const device = await gate(h());
    const { token } = await greenCodeTurnedRed(h());
    const outcome = await h().services.scans.verifyOnline(device, { scanId: 'north1-000201', token });
    assert.deepEqual([outcome.colour, outcome.admitted, outcome.reason], ['red', false, 'colour-not-admitted']);
    const rows = await h().opened.store.db.selectFrom('scans').select(['colour', 'admitted']).execute();
    assert.deepEqual(rows, [{ colour: 'red', admitted: 0 }]);
  });

  it('in an upload marked online is judged by the colour decided now too', async () => {
    const device = await gate(h());
    const { token } = await greenCodeTurnedRed(h());
    const scannedAt = new Date(h().clock.now().getTime() - 10_000).toISOString();
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'north1-000202', token, scannedAt }], 'online');
    assert.deepEqual([outcome?.colour, outcome?.admitted], ['red', false]);
  });

  it('says it was decided at the instant the server vouched for it, not when the decision was stored', async () => {
    const device = await gate(h());
    const { token } = await greenCodeTurnedRed(h());
    h().clock.advance(2 * MINUTE_MS);
    const outcome = await h().services.scans.verifyOnline(device, { scanId: 'north1-000203', token });
    assert.equal(outcome.decidedAt, h().clock.now().getTime());
  });

  it('uploaded from an offline scan keeps the colour signed in it, which is what the gate saw', async () => {
    const device = await gate(h());
    const { token } = await greenCodeTurnedRed(h());
    const scannedAt = new Date(h().clock.now().getTime() - 30_000).toISOString();
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'north1-000204', token, scannedAt }], 'offline');
    assert.deepEqual([outcome?.colour, outcome?.admitted], ['green', true]);
  });
});
