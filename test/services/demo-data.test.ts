import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS } from '../../src/domain/clock.js';
import { DEMO_RESIDENTS, loadDemoData } from '../../src/services/demo-data.js';
import { describeOnEachEngine } from '../support/harness.js';
import { lastCodeSentTo } from '../support/sign-in.js';

describeOnEachEngine('the demo data a newcomer starts with', (h) => {
  const signedIn = new Map<string, string>();
  /** The code a demo phone's holder sees after signing in. */
  async function codeOf(phone: string) {
    if (!signedIn.has(phone)) {
      await h().services.signIn.requestSignInCode(phone);
      signedIn.set(phone, (await h().services.signIn.verifySignInCode(phone, await lastCodeSentTo(h(), `+86${phone}`))).residentId);
    }
    return (await h().services.healthCodes.issue(signedIn.get(phone)!)).decision;
  }

  it('shows green, yellow and red codes, each with its reason and the day it turns green', async () => {
    await loadDemoData(h().services);
    const now = h().clock.now().getTime();
    const colours = await Promise.all(DEMO_RESIDENTS.filter((r) => r.phone.startsWith('138')).map(async (r) => (await codeOf(r.phone)).colour));
    assert.deepEqual(colours, ['green', 'green', 'green', 'yellow', 'red']);

    const yellow = await codeOf(DEMO_RESIDENTS[4].phone);
    assert.deepEqual(yellow.rules.map((r) => r.id), ['yellow-symptoms']);
    assert.equal(yellow.rules[0]!.evidence[0]!.fact, 'declaration');
    assert.equal(yellow.greenOn, now + 7 * DAY_MS);

    const red = await codeOf(DEMO_RESIDENTS[5].phone);
    assert.deepEqual(red.rules.map((r) => r.id), ['red-close-contact']);
    assert.deepEqual([red.rules[0]!.evidence[0]!.fact, red.rules[0]!.evidence[0]!.source], ['contact', 'authority']);
    assert.equal(red.greenOn, now - 2 * DAY_MS + 14 * DAY_MS);
  });
});
