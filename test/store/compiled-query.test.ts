import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { COMPILED_LIST_MOST, CompiledLists, compiledOnce } from '../../src/store/compiled-query.js';
import { describeOnEachEngine } from '../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../support/people.js';

/**
 * The hot path's queries are compiled once and run with new values; these attack that against the
 * obvious way, the query built anew by Kysely for each value: the same rows, every time.
 */
describeOnEachEngine('queries compiled once', (h) => {
  /** Zhang (phone proven), Liu (not), Zhang's grandmother (a guardian's word, later her document checked), each with sessions, one signed out. */
  async function household() {
    const { services, clock } = h();
    const now = clock.now().getTime();
    const zhang = await services.residents.register(ZHANG_WEI, { phoneVerifiedAt: now });
    const liu = await services.residents.register(LIU_FANG);
    const grandma = await services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    for (const id of [zhang.id, liu.id]) await services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    const sessions = [];
    for (const [id, at] of [[zhang.id, now], [zhang.id, now - 3_000_000], [liu.id, now - 100]] as const) sessions.push(await services.signIn.sessionFor(id, at));
    const ended = await services.signIn.authenticate(sessions[1]!.token);
    await services.signIn.signOut(ended.sessionId);
    return { now, ids: [zhang.id, liu.id, grandma.id, 'no-such-resident'], grandma: grandma.id };
  }

  const sessionIds = async () => (await h().opened.store.db.selectFrom('sessions').select('id').execute()).map((r) => r.id).concat('no-such-session');

  it('finds a session as the built query does, for any session and any instant', async () => {
    const { now } = await household();
    const db = h().opened.store.db;
    const ids = await sessionIds();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ids), fc.integer({ min: now - 7_200_000, max: now + 7_200_000 }), async (id, at) => {
        const built = await db.selectFrom('sessions').select(['resident_id', 'expires_at']).where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', at).executeTakeFirst();
        const expected = built && { residentId: built.resident_id, expiresAt: built.expires_at };
        assert.deepEqual(await h().ctx.stores.signIn.activeSession(id, at), expected);
      }),
      { numRuns: 60 },
    );
  });

  it("reads a resident's stored decision and visitor link as the built queries do", async () => {
    const { ids } = await household();
    const db = h().opened.store.db;
    for (const id of ids) {
      assert.deepEqual(await h().ctx.stores.decisions.current(id), await db.selectFrom('resident_status').selectAll().where('resident_id', '=', id).executeTakeFirst(), id);
      assert.deepEqual(await h().ctx.stores.federation.visitorLink(id), await db.selectFrom('visitor_links').select(['home_operator', 'linked_at', 'bundle_issued_at']).where('resident_id', '=', id).executeTakeFirst(), id);
    }
    assert.ok(await h().ctx.stores.decisions.current(ids[0]!), 'no stored decision: the comparison would prove nothing');
  });

  it("tells what a resident's identity stands on as the decrypted resident and their guardians do", async () => {
    const { ids, grandma } = await household();
    const store = h().ctx.stores.residents;
    const obvious = async (id: string) => {
      const resident = await store.findById(id);
      return resident && { phoneVerifiedAt: resident.phoneVerifiedAt, identityCheckedAt: resident.identityCheckedAt, hasGuardian: (await h().ctx.stores.households.guardiansOf(id)).length > 0 };
    };
    const compare = async () => {
      for (const id of ids) assert.deepEqual(await store.identityStanding(id), await obvious(id), id);
    };
    await compare();
    assert.equal((await store.identityStanding(grandma))?.hasGuardian, true);
    assert.equal(await h().services.residents.recordsWithheld(grandma), true);
    await store.markIdentityChecked(grandma, h().clock.now().getTime());
    await compare();
    assert.equal(await h().services.residents.recordsWithheld(grandma), false);
  });

  it('refuses a query that does not use an argument it is given', async () => {
    const query = compiledOnce(() => h().opened.store.db, 2, (id: string, _unused: number) => h().opened.store.db.selectFrom('sessions').select('id').where('id', '=', id));
    await assert.rejects(query('x', 1), /argument 1 is not a parameter/);
  });

  it("reads stored decisions' keys as the built query does, for lists compiled and lists past them", async () => {
    const { ids } = await household();
    const db = h().opened.store.db;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: COMPILED_LIST_MOST + 4 }), async (list) => {
        const rows = await db.selectFrom('resident_status').select(['resident_id', 'colour', 'mark', 'fired_ids', 'rule_set_region', 'rule_set_version', 'masked_name']).where('resident_id', 'in', list).execute();
        assert.deepEqual(await h().ctx.stores.decisions.keysOf(list), new Map(rows.map((r) => [r.resident_id, r])));
      }),
      { numRuns: 40 },
    );
  });

  it('answers a list query compiled up to a bound of its own as the built query does, for lists within it and past it', async () => {
    const { ids } = await household();
    const db = h().opened.store.db;
    const most = 3;
    const query = new CompiledLists(0, (list, _, built) => built.selectFrom('residents').select('id').where('id', 'in', list as string[]).orderBy('id').compile(), undefined, most);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ids), { minLength: 1, maxLength: most + 3 }), async (list) => {
        const built = await db.selectFrom('residents').select('id').where('id', 'in', list).orderBy('id').execute();
        assert.deepEqual(await query.run(db, list), built);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a list query run with other arguments than it takes', async () => {
    const query = new CompiledLists(1, (ids, [at], db) => db.selectFrom('sessions').select('id').where('id', 'in', ids).where('expires_at', '>', at).compile());
    await assert.rejects(query.run(h().opened.store.db, ['x']), /takes 1 arguments beside the list, not 0/);
  });
});
