import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { identityKeyOf } from '../../../src/domain/identity/identity-document.js';
import { checkRegistration, type RegistrationInput } from '../../../src/domain/resident.js';
import { FieldCipher } from '../../../src/privacy/field-cipher.js';
import { LegacyResidentIndexes, unmovedIndexes } from '../../../src/store/residents/legacy-indexes.js';
import { INDEX_ID, INDEX_PHONE, ResidentLookupsStore } from '../../../src/store/residents/resident-lookups-store.js';
import { ResidentResealingStore } from '../../../src/store/residents/resident-resealing-store.js';
import { ResidentsStore } from '../../../src/store/residents/residents-store.js';
import { describeOnEachEngine, describeOnEngine, type Harness } from '../../support/harness.js';
import { withCheck, ZHANG_WEI } from '../../support/people.js';

const DISTRICTS = ['330110', '330106', '420802'] as const;
/** The n-th of a few people, living in one of three districts. */
const person = (n: number, district: number): RegistrationInput => ({
  name: `居民${n}`,
  idType: 'resident_id',
  idNumber: withCheck(`3301101988021400${n}`),
  phone: `1391234560${n}`,
  address: { region: DISTRICTS[district]!, detail: `五常街道 ${n} 号` },
});

/** A resident written with `cipher`: the services' (district keys) or the master key's alone (as before district keys). */
const store = (h: Harness, cipher: FieldCipher, id: string, input: RegistrationInput) =>
  new ResidentsStore(h.opened.store.db, cipher, h.engine).insert(id, checkRegistration(input, h.clock.now(), true), h.clock.now().getTime());

const unmovedIds = async (h: Harness) => (await h.opened.store.db.selectFrom('residents').select('id').where(unmovedIndexes).orderBy('id').execute()).map((r) => r.id);

describeOnEachEngine('residents indexes from before district keys', (h) => {
  it('counts a row stored under the master key as unmoved, and one stored under its district key as moved', async () => {
    await store(h(), new FieldCipher(h().dataKey), '00000000-0000-4000-8000-000000000001', person(1, 0));
    await store(h(), h().ctx.cipher, '00000000-0000-4000-8000-000000000002', person(2, 1));
    assert.deepEqual(await unmovedIds(h()), ['00000000-0000-4000-8000-000000000001']);
  });

  it('does not count a revoked document, a waiting claim or a destroyed resident as unmoved', async () => {
    const revoked = (await h().services.residents.register(ZHANG_WEI)).id;
    await h().ctx.stores.residents.revokeIdentity(revoked, h().clock.now().getTime());
    await new ResidentsStore(h().opened.store.db, h().ctx.cipher, h().engine).insert('00000000-0000-4000-8000-000000000003', checkRegistration({ ...person(3, 0), phone: undefined }, h().clock.now(), false), 0, null, false);
    await h().opened.store.db.updateTable('residents').set({ name_enc: 'shredded', id_index: 'shredded:x', phone_index: null }).where('id', '=', revoked).execute();
    assert.deepEqual(await unmovedIds(h()), []);
  });

  it('keeps look-ups matching the master key’s index until a start proves none is left', async () => {
    const legacy = new LegacyResidentIndexes();
    const lookups = new ResidentLookupsStore(h().opened.store.db, h().ctx.cipher, legacy);
    const key = identityKeyOf({ type: 'resident_id', number: ZHANG_WEI.idNumber });
    const withLegacy = lookups.identityIndexes(key);
    assert.ok(withLegacy.includes(h().ctx.cipher.blindIndex(INDEX_ID, key)));
    assert.equal(await new ResidentResealingStore(h().opened.store.db, h().ctx.cipher, legacy).proveIndexesMoved(), true);
    assert.deepEqual(lookups.identityIndexes(key), withLegacy.filter((index) => index !== h().ctx.cipher.blindIndex(INDEX_ID, key)));
  });
});

describeOnEngine('sqlite', 'residents look-ups without the indexes from before district keys', (h) => {
  it('find the same resident as the look-up over every index a value may stand under, before and after the move', { timeout: 120_000 }, async () => {
    const stored = fc.uniqueArray(fc.record({ n: fc.nat(5), district: fc.nat(DISTRICTS.length - 1), before: fc.boolean() }), { selector: (r) => r.n, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(stored, async (residents) => {
        const { db } = h().opened.store;
        const cipher = h().ctx.cipher;
        await db.deleteFrom('residents').execute();
        for (const r of residents) await store(h(), r.before ? new FieldCipher(h().dataKey) : cipher, `00000000-0000-4000-8000-00000000000${r.n}`, person(r.n, r.district));
        const legacy = new LegacyResidentIndexes();
        const lookups = new ResidentLookupsStore(db, cipher, legacy);
        const resealing = new ResidentResealingStore(db, cipher, legacy);
        // The obvious look-up: every index FieldCipher knows a value may stand under.
        const slow = async () =>
          Promise.all(
            Array.from({ length: 6 }, async (_, n) => {
              const { idNumber, phone } = person(n, 0);
              const key = identityKeyOf({ type: 'resident_id', number: idNumber });
              const byId = await db.selectFrom('residents').select('id').where('id_index', 'in', cipher.lookupIndexes(INDEX_ID, key)).executeTakeFirst();
              const byPhone = await db.selectFrom('residents').select('id').where('phone_index', 'in', cipher.lookupIndexes(INDEX_PHONE, `+86${phone}`)).executeTakeFirst();
              return [byId?.id, byPhone?.id];
            }),
          );
        const fast = async () =>
          Promise.all(
            Array.from({ length: 6 }, async (_, n) => {
              const { idNumber, phone } = person(n, 0);
              return [await lookups.findIdByIdentityKey(identityKeyOf({ type: 'resident_id', number: idNumber })), await lookups.findIdByPhone(`+86${phone}`)];
            }),
          );
        assert.equal(await resealing.proveIndexesMoved(), !residents.some((r) => r.before));
        assert.deepEqual(await fast(), await slow());
        while ((await resealing.indexUnderRegionKeys(500)) > 0);
        assert.equal(await resealing.proveIndexesMoved(), true);
        assert.deepEqual(await fast(), await slow());
      }),
      { numRuns: 40 },
    );
  });
});
