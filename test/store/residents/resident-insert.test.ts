import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { compiledInsert, insertArguments, insertShape } from '../../../src/store/residents/resident-insert.js';
import type { SealedResidentRow } from '../../../src/store/residents/residents-store.js';
import { describeOnEachEngine } from '../../support/harness.js';

/**
 * The registration insert is compiled once per shape and run with new values; these attack it
 * against the obvious reading of what it must do, asked of the database by Kysely-built queries: write
 * the row exactly, unless a resident already holds one of the indexes or an approved sunset covers
 * the region.
 */
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
});
