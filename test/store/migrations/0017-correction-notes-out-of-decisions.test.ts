import assert from 'node:assert/strict';
import { it } from 'node:test';
import { up } from '../../../src/store/migrations/0017-correction-notes-out-of-decisions.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const NOTE = '您于 11 月 19 日在余杭区疾控中心接受流调，须居家隔离至通知结束。';

describeOnEachEngine('migration 0017: correction notes out of decisions', (h) => {
  it('replaces the notes decisions stored in clear before with the correction they came from', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const [wang, li] = [await h().services.staff.create('余杭区卫健局 王局长', 'authority'), await h().services.staff.create('余杭区疾控中心 李主任', 'authority')];
    const proposed = await h().services.corrections.propose(wang, zhang, { colour: 'red', reason: 'isolation-order', note: NOTE, expiresAt: new Date(h().clock.now().getTime() + 7 * 86_400_000).toISOString() });
    await h().services.corrections.approve(li, proposed.id);
    await h().services.healthCodes.issue(zhang);
    const db = h().opened.store.db;
    // The rows as the code before this change stored them: the note in clear, no id.
    const asBefore = (json: string) => json.replace(/"correctionId":"[^"]+"/, `"note":${JSON.stringify(NOTE)}`);
    for (const r of await db.selectFrom('decisions').select(['id', 'fired']).execute()) await db.updateTable('decisions').set({ fired: asBefore(r.fired) }).where('id', '=', r.id).execute();
    for (const r of await db.selectFrom('resident_status').select(['resident_id', 'decision']).execute()) await db.updateTable('resident_status').set({ decision: asBefore(r.decision!) }).where('resident_id', '=', r.resident_id).execute();
    const stored = async () => [...(await db.selectFrom('decisions').select('fired').execute()).map((r) => r.fired), ...(await db.selectFrom('resident_status').select('decision').execute()).map((r) => r.decision!)];
    assert.ok((await stored()).some((text) => text.includes(NOTE)), 'the old rows hold the note');

    await db.transaction().execute((trx) => up(trx as never));
    for (const text of await stored()) {
      assert.ok(!text.includes(NOTE), 'no decision holds the note');
      if (text.includes('"correction"')) assert.ok(text.includes(`"correctionId":"${proposed.id}"`), 'each names its correction');
    }
    const history = await h().services.decisions.history(zhang, 10);
    assert.equal(history[0]!.rules[0]!.evidence[0]!.detail.note, NOTE, 'the resident still reads it');
  });
});
