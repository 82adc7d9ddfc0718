import { cityLowFeverRule } from '../../support/rules.js';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const TTL_MS = 300_000;

async function greenZhang(h: Harness): Promise<string> {
  // Yuhang's signing key exists already: the first code anyone there is shown makes it.
  await h.services.keys.activeKey('330110');
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  return id;
}

describeOnEachEngine('a code shown again', (h) => {
  it('is the same signed token while more than half its lifetime remains', async () => {
    const id = await greenZhang(h());
    const first = await h().services.healthCodes.issue(id);
    h().clock.advance(TTL_MS / 2 - 1000);
    const again = await h().services.healthCodes.issue(id);
    assert.equal(again.token, first.token);
    assert.equal(again.expiresAt, first.expiresAt);
  });

  it('is signed anew once less than half its lifetime would remain', async () => {
    const id = await greenZhang(h());
    const first = await h().services.healthCodes.issue(id);
    h().clock.advance(TTL_MS / 2);
    const next = await h().services.healthCodes.issue(id);
    assert.notEqual(next.token, first.token);
    assert.equal(next.expiresAt, h().clock.now().getTime() + TTL_MS);
  });

  it('always has at least half its lifetime left when shown, however often it is refreshed', async () => {
    const id = await greenZhang(h());
    for (let step = 0; step < 60; step += 1) {
      const shown = await h().services.healthCodes.issue(id);
      const left = shown.expiresAt - h().clock.now().getTime();
      assert.ok(left > TTL_MS / 2 && left <= TTL_MS, `${left} ms left at step ${step}`);
      h().clock.advance(7_000 + (step % 5) * 3_000);
    }
  });

  it('is signed anew the moment the colour changes, with the new colour', async () => {
    const id = await greenZhang(h());
    const green = await h().services.healthCodes.issue(id);
    h().clock.advance(60_000);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
    const after = await h().services.healthCodes.issue(id);
    assert.equal(green.decision.colour, 'green');
    assert.equal(after.decision.colour, 'yellow');
    assert.notEqual(after.token, green.token);
  });

  it('is signed anew with the new rules the moment a rule set is published', async () => {
    const id = await greenZhang(h());
    const before = await h().services.healthCodes.issue(id);
    const national = await h().services.rules.evaluatorFor('330110');
    await h().services.rules.publish({ region: '330100', rules: [cityLowFeverRule('330100')] });
    const after = await h().services.healthCodes.issue(id);
    assert.deepEqual(after.decision.ruleSet, { region: '330100', version: 1, inherits: [{ region: 'CN', version: national.ruleSet.version }] });
    assert.notEqual(after.token, before.token);
  });
});

describeOnEachEngine('a session kept in memory', (h) => {
  it('is refused at once after signing out, though it was used a moment before', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const { sessionId } = await h().services.signIn.authenticate(session.token);
    await h().services.signIn.signOut(sessionId);
    await assert.rejects(h().services.signIn.authenticate(session.token), /the session has ended/);
  });

  it('is refused once it expires, though it was used a moment before', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    await h().services.signIn.authenticate(session.token);
    h().clock.advance(3600_000);
    await assert.rejects(h().services.signIn.authenticate(session.token), /expired|ended/);
  });

  it('is refused once the account is deleted', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    await h().services.signIn.authenticate(session.token);
    await h().services.residents.deleteAccount(id);
    await assert.rejects(h().services.signIn.authenticate(session.token), /the session has ended/);
  });
});

describeOnEachEngine("a code's records withheld while the identity stands on a relative's word", (h) => {
  /** Zhang's grandmother, added by him: no phone of her own, her document not yet checked. */
  async function grandma(): Promise<{ guardian: string; id: string }> {
    const guardian = await greenZhang(h());
    const { id } = await h().services.residents.addDependent(guardian, GRANDMA_ZHANG);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    return { guardian, id };
  }

  it('is withheld when shown, as the resident service says', async () => {
    const { id } = await grandma();
    assert.equal((await h().services.healthCodes.view(id)).withheld, true);
    assert.equal(await h().services.residents.recordsWithheld(id), true);
  });

  it('is shown with the records the moment her document is checked and her decision changes, though the code was in memory', async () => {
    const { id } = await grandma();
    await h().services.healthCodes.view(id);
    await h().ctx.stores.residents.markIdentityChecked(id, h().clock.now().getTime());
    await h().ctx.stores.decisions.invalidate([id]);
    assert.equal((await h().services.healthCodes.view(id)).withheld, false);
  });

  it('stays withheld, never the reverse, in a process that has not yet heard of the check', async () => {
    const { id } = await grandma();
    await h().services.healthCodes.view(id);
    await h().ctx.stores.residents.markIdentityChecked(id, h().clock.now().getTime());
    assert.equal((await h().services.healthCodes.view(id)).withheld, true);
  });

  it('read along with her guardian\'s session, is the code and withholding read apart', async () => {
    const { guardian, id } = await grandma();
    const session = await h().services.signIn.sessionFor(guardian, h().clock.now().getTime());
    const { residentId, along } = await h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id));
    assert.equal(residentId, guardian);
    assert.ok(along, 'nothing was read along');
    const viewed = await h().services.healthCodes.view(id, along);
    assert.equal(viewed.withheld, await h().services.residents.recordsWithheld(id));
    assert.deepEqual(viewed.issued.decision, (await h().services.decisions.current(id)).decision);
  });
});

describeOnEachEngine('a session read along with a code view', (h) => {
  it('is refused after signing out, as a session read alone is', async () => {
    const id = await greenZhang(h());
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    // Signed out without this process having checked the session first: nothing of it is in memory.
    for (const { id: sessionId } of await h().ctx.stores.signIn.sessionsOf(id)) await h().ctx.stores.signIn.revokeSession(sessionId, h().clock.now().getTime());
    await assert.rejects(h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id)), /the session has ended/);
  });

  it('is refused once expired in the database though its token is not, as a session read alone is', async () => {
    const id = await greenZhang(h());
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    await h().opened.store.db.updateTable('sessions').set({ expires_at: h().clock.now().getTime() }).execute();
    await assert.rejects(h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id)), /the session has ended/);
  });

  it("is the caller's own, not the resident's whose code is read: a stranger's session reads along but stays the stranger's", async () => {
    const id = await greenZhang(h());
    const stranger = await h().services.residents.register(LIU_FANG);
    const session = await h().services.signIn.sessionFor(stranger.id, h().clock.now().getTime());
    const { residentId } = await h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id));
    assert.equal(residentId, stranger.id);
    assert.equal(await h().services.residents.mayActFor(residentId, id), false);
  });
});

describeOnEachEngine('a cold code view of a decision kept without a masked name (a declaration or re-decision opens no name)', (h) => {
  /** Statements the database runs while `work` does (outside transactions: a view opens none). */
  async function statementsDuring(work: () => Promise<unknown>): Promise<number> {
    const executor = h().ctx.database.db.getExecutor();
    const run = executor.executeQuery.bind(executor);
    let statements = 0;
    executor.executeQuery = (async (...args: Parameters<typeof run>) => {
      statements += 1;
      return run(...args);
    }) as typeof executor.executeQuery;
    try {
      await work();
    } finally {
      executor.executeQuery = run;
    }
    return statements;
  }

  /** Her code viewed cold, read along with her session as the route reads it: the masked name shown, and the statements run. */
  async function coldView(id: string): Promise<{ shown: string; statements: number }> {
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    let shown = '';
    const statements = await statementsDuring(async () => {
      const { along } = await h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id));
      assert.ok(along, 'nothing was read along');
      shown = (await h().services.healthCodes.view(id, along)).issued.maskedName;
    });
    return { shown, statements };
  }

  const maskedKept = async (h: Harness, id: string) => (await h.opened.store.db.selectFrom('resident_status').select('masked_name').where('resident_id', '=', id).executeTakeFirstOrThrow()).masked_name;

  it('is read in one statement, the sealed name coming with the session and the decision, and keeps the masked name it showed', async () => {
    const id = await greenZhang(h());
    assert.equal(await maskedKept(h(), id), null, 'the declaration kept no masked name');
    const first = await coldView(id);
    assert.deepEqual([first.shown, first.statements, await maskedKept(h(), id)], ['张*', 2, '张*']);
  });

  it('is read in one statement and opens no name the next time her code is out of memory (the next morning)', async () => {
    const id = await greenZhang(h());
    await coldView(id);
    // Her shown code may no longer be shown again, as the next morning; her decision with its masked name is kept.
    h().clock.advance(TTL_MS);
    const cipher = h().ctx.stores.residents;
    const openName = cipher.openName.bind(cipher);
    let opened = 0;
    cipher.openName = (...args) => {
      opened += 1;
      return openName(...args);
    };
    try {
      const next = await coldView(id);
      assert.deepEqual([next.shown, next.statements, opened], ['张*', 1, 0]);
    } finally {
      cipher.openName = openName;
    }
  });

  it('shows the masked name a code shown without reading along shows', async () => {
    const id = await greenZhang(h());
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const { along } = await h().services.signIn.authenticate(session.token, h().services.healthCodes.readAlong(id));
    const alongShown = await h().services.decisions.current(id, along!.read.status);
    await h().opened.store.db.updateTable('resident_status').set({ masked_name: null }).execute();
    const apart = await h().services.decisions.current(id);
    assert.deepEqual([alongShown.maskedName, alongShown.decidedNow], [apart.maskedName, false]);
  });
});
