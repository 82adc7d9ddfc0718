import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { SHREDDED } from '../../../src/store/oversight/sunset-store.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, CHEN_JING, ZHANG_WEI } from '../../support/people.js';

/**
 * The cold code view's one statement, attacked against the obvious way: each part built by Kysely
 * as its own query (the session as SignInStore reads it, the stored decision, the identity standing,
 * the visitor link). The same answer for any resident, any session and any instant.
 */
describeOnEachEngine('the code view read in one statement', (h) => {
  /**
   * Zhang (phone proven, a visitor from another operator), Liu (not proven, no decision kept), Zhang's
   * grandmother (a guardian's word), Wang (destroyed by a sunset); sessions of each, one signed out.
   */
  async function population() {
    const { services, clock, opened } = h();
    const now = clock.now().getTime();
    const zhang = await services.residents.register(ZHANG_WEI, { phoneVerifiedAt: now });
    const liu = await services.residents.register(LIU_FANG);
    const wang = await services.residents.register(CHEN_JING, { phoneVerifiedAt: now });
    const grandma = await services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    for (const id of [zhang.id, grandma.id, wang.id]) await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    await services.healthCodes.issue(zhang.id);
    const db = opened.store.db;
    await db.insertInto('visitor_links').values({ resident_id: zhang.id, home_operator: 'op-elsewhere', home_subject: 'subject', linked_at: now - 5000, bundle_issued_at: now - 6000 }).execute();
    for (const [id, at] of [[zhang.id, now], [zhang.id, now - 3_000_000], [liu.id, now - 100], [wang.id, now]] as const) await services.signIn.sessionFor(id, at);
    const [ended] = await db.selectFrom('sessions').select('id').where('resident_id', '=', zhang.id).orderBy('created_at').execute();
    await h().ctx.stores.signIn.revokeSession(ended!.id, now);
    await db.updateTable('residents').set({ name_enc: SHREDDED }).where('id', '=', wang.id).execute();
    const sessions = (await db.selectFrom('sessions').select('id').execute()).map((r) => r.id).concat('no-such-session');
    return { now, residents: [zhang.id, liu.id, grandma.id, wang.id, 'no-such-resident'], sessions };
  }

  /** Each part by its own built query. */
  async function builtApart(residentId: string, sessionId: string, at: number) {
    const db = h().opened.store.db;
    const resident = await db.selectFrom('residents').select(['phone_verified_at', 'identity_checked_at', 'name_enc']).where('id', '=', residentId).where('name_enc', '!=', SHREDDED).executeTakeFirst();
    if (resident === undefined) return undefined;
    const session = await db.selectFrom('sessions').select(['resident_id', 'expires_at']).where('id', '=', sessionId).where('revoked_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
    const kept = await db.selectFrom('resident_status').select(['decision', 'region', 'valid_until', 'masked_name']).where('resident_id', '=', residentId).executeTakeFirst();
    // The sealed name, only where the kept decision has no masked name to show.
    const status = kept && { ...kept, name_enc: kept.masked_name === null ? resident.name_enc : null };
    const guardian = await db.selectFrom('guardianships').select('guardian_id').where('dependent_id', '=', residentId).executeTakeFirst();
    const link = await db.selectFrom('visitor_links').select(['home_operator', 'linked_at', 'bundle_issued_at']).where('resident_id', '=', residentId).executeTakeFirst();
    return {
      session: session && { residentId: session.resident_id, expiresAt: session.expires_at },
      status,
      standing: { phoneVerifiedAt: resident.phone_verified_at, identityCheckedAt: resident.identity_checked_at, hasGuardian: guardian !== undefined },
      link,
    };
  }

  it('reads what the built queries read apart, for any resident, session and instant', async () => {
    const { now, residents, sessions } = await population();
    const store = h().ctx.stores.codeViews;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...residents), fc.constantFrom(...sessions), fc.integer({ min: now - 7_200_000, max: now + 7_200_000 }), async (residentId, sessionId, at) => {
        assert.deepEqual(await store.read(residentId, sessionId, at), await builtApart(residentId, sessionId, at));
      }),
      { numRuns: 80 },
    );
  });

  it('finds a session active exactly when the sign-in store does, whoever it belongs to', async () => {
    const { now, residents, sessions } = await population();
    const { codeViews, signIn } = h().ctx.stores;
    for (const sessionId of sessions) {
      for (const at of [now - 1, now + 1, now + 3_600_000]) assert.deepEqual((await codeViews.read(residents[0]!, sessionId, at))?.session, await signIn.activeSession(sessionId, at), `${sessionId} at ${at}`);
    }
  });

  it('the comparison covers every part: a session, a kept decision, a guardian and a visitor link are each found', async () => {
    const { now, residents } = await population();
    const [zhang, , grandma] = residents;
    const db = h().opened.store.db;
    const { id: live } = (await db.selectFrom('sessions').select('id').where('resident_id', '=', zhang!).where('revoked_at', 'is', null).executeTakeFirstOrThrow());
    const read = await h().ctx.stores.codeViews.read(zhang!, live, now);
    assert.equal(read?.session?.residentId, zhang);
    assert.ok(read?.status?.decision, 'no kept decision');
    assert.equal(read?.link?.home_operator, 'op-elsewhere');
    assert.equal((await h().ctx.stores.codeViews.read(grandma!, live, now))?.standing.hasGuardian, true);
    // Zhang's code was shown, so his decision keeps his masked name; his grandmother's was only decided.
    assert.deepEqual([read?.status?.masked_name, read?.status?.name_enc], ['张*', null]);
    const sealed = (await h().ctx.stores.codeViews.read(grandma!, live, now))?.status?.name_enc;
    assert.equal(sealed && h().ctx.stores.residents.openName(grandma!, sealed), GRANDMA_ZHANG.name);
  });
});
