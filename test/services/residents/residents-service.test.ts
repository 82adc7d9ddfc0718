import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NotFoundError } from '../../../src/services/service-errors.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';

describeOnEachEngine("residents' rights", (h) => {
  it('exports everything held about the resident and their dependents, decrypted', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    await h().services.declarations.declare(grandma.id, { stays: [], contacts: [], symptoms: ['fatigue'], temperature: 37.1 });
    const data = await h().services.residents.exportData(zhang.id);
    assert.equal(data.format, 'healthcode-export/1');
    assert.equal(data.exportedAt, '2026-11-20T02:00:00.000Z');
    assert.equal(data.resident.name, '张伟');
    assert.deepEqual(data.resident.identityDocument, { type: 'resident_id', number: ZHANG_WEI.idNumber });
    assert.equal(data.resident.phone, '+8613912345678');
    assert.equal(data.resident.address.detail, ZHANG_WEI.address.detail);
    assert.equal(data.dependents[0]?.name, '张秀兰');
    assert.deepEqual(data.dependents[0]?.declarations.map((d) => d.symptoms), [['fatigue']]);
  });

  it('exports the authority records and colour decisions held about the resident', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const rows = (async function* () {
      yield { line: 1, record: { phone: ZHANG_WEI.phone, status: 'suspected', date: '2026-11-19T09:00:00+08:00' } };
    })();
    await h().services.authority.import('cases', rows);
    const data = await h().services.residents.exportData(zhang.id);
    assert.deepEqual(data.resident.authorityRecords.map((r) => [r.kind, r.value]), [['case', 'suspected']]);
    assert.deepEqual(data.resident.decisions.map((d) => [d.colour, d.cause]), [['red', 'import of cases']]);
  });

  it('exports the places the resident was scanned at and their appeals', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const venue = await h().services.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城' });
    await h().services.scans.visit(zhang.id, venue.id, 'visit-1');
    await h().services.appeals.file(zhang.id, '我已经完成了手机验证，请核实。');
    const data = await h().services.residents.exportData(zhang.id);
    assert.deepEqual(data.resident.scans.map((s) => [s.venueId, s.method]), [[venue.id, 'place-code']]);
    assert.deepEqual(data.resident.appeals.map((a) => [a.message, a.status]), [['我已经完成了手机验证，请核实。', 'open']]);
  });

  it('deletes where the resident went and what they appealed, with the account', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const venue = await h().services.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城' });
    await h().services.scans.visit(zhang.id, venue.id, 'visit-1');
    await h().services.appeals.file(zhang.id, '我已经完成了手机验证，请核实。');
    await h().services.residents.deleteAccount(zhang.id);
    const db = h().opened.store.db;
    assert.deepEqual(await db.selectFrom('scans').select('id').execute(), []);
    assert.deepEqual(await db.selectFrom('appeals').select('id').execute(), []);
  });

  it('deletes the account with its declarations and its sole dependents', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    await h().services.declarations.declare(zhang.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    const deleted = await h().services.residents.deleteAccount(zhang.id);
    assert.deepEqual(new Set(deleted), new Set([zhang.id, grandma.id]));
    await assert.rejects(h().services.residents.get(zhang.id), NotFoundError);
    await assert.rejects(h().services.residents.get(grandma.id), NotFoundError);
    const db = h().opened.store.db;
    for (const table of ['declarations', 'declaration_stays', 'guardianships', 'sessions'] as const) {
      const rows = await db.selectFrom(table).selectAll().execute();
      assert.deepEqual(rows, [], table);
    }
    assert.equal((await h().services.residents.get(liu.id)).name, '刘芳芳');
  });

  it('frees the ID number and phone for a new registration after deletion', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.residents.deleteAccount(zhang.id);
    const again = await h().services.residents.register(ZHANG_WEI);
    assert.notEqual(again.id, zhang.id);
  });

  it('keeps a dependent that another guardian still looks after', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const db = h().opened.store.db;
    await db.insertInto('guardianships').values({ guardian_id: liu.id, dependent_id: grandma.id, relationship: 'other', created_at: 0 }).execute();
    assert.deepEqual(await h().services.residents.deleteAccount(zhang.id), [zhang.id]);
    assert.equal((await h().services.residents.get(grandma.id)).name, '张秀兰');
  });
});
