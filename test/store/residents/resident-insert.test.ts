import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { compiledInsert, insertArguments, insertShape } from '../../../src/store/residents/resident-insert.js';
import { checkRegistration } from '../../../src/domain/resident.js';
import { DuplicateAcrossDistrictsError } from '../../../src/store/residents/residents-store.js';
import { withCheck } from '../../support/people.js';
import type { SealedResidentRow } from '../../../src/store/residents/residents-store.js';
import { describeOnEachEngine } from '../../support/harness.js';

/**
 * The registration insert is compiled once per shape and run with new values; these attack it
 * against the obvious reading of what it must do, asked of the database by Kysely-built queries: write
 * the row exactly, unless a resident already holds one of the indexes or an approved sunset covers
 * the region.
 */
/** Friday 20 November 2026, 10:00 in Hangzhou. */
const NOW_MS = Date.parse('2026-11-20T10:00:00+08:00');

describeOnEachEngine('the compiled resident insert', (h) => {
  let serial = 0;
  const row = (region = '330110', phone = true): SealedResidentRow => {
    const n = ++serial;
    return {
      id: `r-${n}`,
      id_index: `i2.id-${n}`,
      identity_enc: `v2.${region}.identity-${n}`,
      name_enc: `v2.${region}.name-${n}`,
      phone_index: phone ? `i2.phone-${n}` : null,
      phone_enc: phone ? `v2.${region}.phone-${n}` : null,
      address_region: region,
      address_enc: `v2.${region}.address-${n}`,
      phone_verified_at: phone ? 1_700_000_000_000 + n : null,
      created_at: 1_700_000_000_000,
      updated_at: 1_700_000_000_000,
    };
  };
  const readBack = (id: string) => h().opened.store.db.selectFrom('residents').select(['id', 'id_index', 'identity_enc', 'name_enc', 'phone_index', 'phone_enc', 'address_region', 'address_enc', 'phone_verified_at', 'created_at', 'updated_at']).where('id', '=', id).executeTakeFirst();

  it('writes a row that clashes with nothing exactly, and refuses one whose index a resident holds, for any shape', async () => {
    const db = h().opened.store.db;
    const insert = compiledInsert();
    // Residents already there, whose indexes the look-ups below may name.
    const holders = [row(), row('330212'), row('330110', false)];
    for (const holder of holders) await db.insertInto('residents').values(holder).execute();
    const held = holders.flatMap((r) => [r.id_index, r.phone_index ?? 'none']);
    const index = fc.oneof(fc.constantFrom(...held), fc.string({ minLength: 1, maxLength: 8 }).map((s) => `i2.free-${s}`));
    let writes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(index, { maxLength: 4 }), fc.array(index, { maxLength: 4 }), fc.boolean(), async (ids, phones, withPhone) => {
        const candidate = row('330110', withPhone);
        const clash = await db
          .selectFrom('residents')
          .select('id')
          .where((eb) => eb.or([...(ids.length > 0 ? [eb('id_index', 'in', ids)] : []), ...(phones.length > 0 ? [eb('phone_index', 'in', phones)] : [])]))
          .executeTakeFirst();
        const expected = ids.length + phones.length === 0 || clash === undefined;
        const result = await insert.run(db, insertShape(ids, phones), insertArguments(candidate, ids, phones));
        assert.equal(Number(result.numAffectedRows), expected ? 1 : 0);
        assert.deepEqual(await readBack(candidate.id), expected ? candidate : undefined);
        if (expected) writes += 1;
      }),
      { numRuns: 60 },
    );
    assert.ok(writes > 0 && writes < 60, 'every case went one way: the comparison would prove nothing');
  });

  it('refuses a row in a region whose sunset was approved, and not one only requested or elsewhere', async () => {
    const db = h().opened.store.db;
    const insert = compiledInsert();
    await db.insertInto('sunsets').values({ id: 's-approved', region: '330100', status: 'approved', requested_by: 'officer', requested_at: 0 }).execute();
    await db.insertInto('sunsets').values({ id: 's-requested', region: '330200', status: 'requested', requested_by: 'officer', requested_at: 0 }).execute();
    for (const [region, written] of [['330110', false], ['330212', true], ['310101', true]] as const) {
      const candidate = row(region);
      const result = await insert.run(db, insertShape([], []), insertArguments(candidate, [], []));
      assert.equal(Number(result.numAffectedRows), written ? 1 : 0, region);
      assert.equal((await readBack(candidate.id)) !== undefined, written, region);
    }
  });

  it('refuses arguments that do not fit the shape named', async () => {
    const candidate = row();
    await assert.rejects(compiledInsert().run(h().opened.store.db, insertShape(['a'], []), insertArguments(candidate, [], [])), /takes 13 arguments, not 12/);
  });

  /**
   * A registration moves its phone's sign-in codes and finds its messages with its insert (on
   * PostgreSQL in the insert's very statement): what it does must be what the obvious steps one after
   * another do, and nothing when the insert is refused.
   */
  it("moves the phone's codes and answers its messages only when the resident is written, as the steps one by one would", async () => {
    const { db } = h().opened.store;
    const residents = h().ctx.stores.residents;
    await db.insertInto('sunsets').values({ id: 's-wenzhou', region: '330300', status: 'approved', requested_by: 'officer', requested_at: 0 }).execute();
    let n = 0;
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('free', 'sunset', 'clash'), fc.nat(2), fc.nat(2), fc.array(fc.constantFrom('unplaced', 'before', 'elsewhere'), { maxLength: 3 }), async (outcome, codesToMove, otherCodes, messagesUnder) => {
        const run = ++n;
        const first17 = `330110${1950 + (run % 50)}0${1 + (run % 9)}1${run % 10}${String(run).padStart(3, '0')}`;
        const input = { name: `居民${run}`, idType: 'resident_id', idNumber: withCheck(first17), phone: `139${String(run).padStart(8, '0')}`, address: { region: outcome === 'sunset' ? '330302' : '330110', detail: `${run} 号` } };
        if (outcome === 'clash') await residents.insert(`holder-${run}`, checkRegistration({ ...input, address: { region: '330106', detail: '1 号' } }, new Date(NOW_MS), true), NOW_MS);
        const move = { codesFrom: `u2.from-${run}`, codesTo: `i2.to-${run}`, messageIndexes: [`u2.msg-${run}`, `old-${run}`] as const };
        const codeAt = (i: number, index: string) => ({ id: `code-${run}-${index}-${i}`, phone_index: index, code_digest: 'd', created_at: NOW_MS, expires_at: NOW_MS + 300_000, attempts: 0, consumed_at: null, ticket_digest: null });
        const codes = [...Array.from({ length: codesToMove }, (_, i) => codeAt(i, move.codesFrom)), ...Array.from({ length: otherCodes }, (_, i) => codeAt(i, `u2.other-${run}`))];
        if (codes.length > 0) await db.insertInto('sign_in_codes').values(codes).execute();
        const index = { unplaced: move.messageIndexes[0], before: move.messageIndexes[1], elsewhere: `u2.elsewhere-${run}` };
        const messages = messagesUnder.map((under, i) => ({ id: `msg-${run}-${i}`, channel: 'sms', recipient_index: index[under], recipient_enc: `enc-${run}-${i}`, body_enc: `body-${run}-${i}`, created_at: NOW_MS }));
        if (messages.length > 0) await db.insertInto('outbox').values(messages).execute();
        // The obvious reading, asked before: the messages under the phone's two indexes.
        const expectedMessages = await db.selectFrom('outbox').select(['id', 'recipient_index', 'recipient_enc', 'body_enc']).where('recipient_index', 'in', [...move.messageIndexes]).orderBy('id').execute();
        const id = `r-moving-${run}`;
        const registered = db.transaction().execute((trx) => residents.withTransaction(trx).register(id, checkRegistration(input, new Date(NOW_MS), true), NOW_MS, NOW_MS, move));
        if (outcome === 'clash') await assert.rejects(registered, DuplicateAcrossDistrictsError);
        else assert.deepEqual((await registered)?.sort((a, b) => a.id.localeCompare(b.id)), outcome === 'free' ? expectedMessages : undefined);
        outcomes.add(outcome);
        const written = outcome === 'free';
        assert.equal((await readBack(id)) !== undefined, written);
        const codesNow = await db.selectFrom('sign_in_codes').select(['id', 'phone_index']).where('id', 'like', `code-${run}-%`).orderBy('id').execute();
        assert.deepEqual(codesNow, codes.map((c) => ({ id: c.id, phone_index: written && c.phone_index === move.codesFrom ? move.codesTo : c.phone_index })).sort((a, b) => a.id.localeCompare(b.id)));
      }),
      { numRuns: 30 },
    );
    assert.equal(outcomes.size, 3, 'every outcome was tried');
  });
});
