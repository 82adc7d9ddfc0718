import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../../../src/domain/field-errors.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';

const wuhanTrip = {
  stays: [
    { region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' },
    { region: '330110', arrival: '2026-11-15T21:40:00+08:00' },
  ],
  contacts: [],
  symptoms: [],
  temperature: 36.6,
};

describeOnEachEngine('declarations', (h) => {
  it('stores a declaration and reads it back with region names', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await h().services.declarations.declare(id, wuhanTrip);
    const [latest] = await h().services.declarations.history(id, 10);
    assert.deepEqual(latest?.stays, [
      { region: '420106', regionName: '湖北省 武汉市 武昌区', arrival: Date.parse('2026-11-12T00:00:00.000Z'), departure: Date.parse('2026-11-15T10:30:00.000Z') },
      { region: '330110', regionName: '浙江省 杭州市 余杭区', arrival: Date.parse('2026-11-15T13:40:00.000Z'), departure: null },
    ]);
    assert.equal(latest?.declaredAt, Date.parse('2026-11-20T02:00:00.000Z'));
    assert.equal(latest?.temperature, 36.6);
  });

  it('lists the history newest first', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await h().services.declarations.declare(id, wuhanTrip);
    h().clock.advance(86_400_000);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: ['fever'], temperature: 38.2 });
    const history = await h().services.declarations.history(id, 10);
    assert.deepEqual(history.map((d) => d.symptoms), [['fever'], []]);
  });

  it('finds residents by the region they stayed in', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await h().services.declarations.declare(id, wuhanTrip);
    const rows = await h().opened.store.db.selectFrom('declaration_stays').select('resident_id').where('region_code', '=', '420106').execute();
    assert.deepEqual(rows, [{ resident_id: id }]);
  });

  it('stores nothing when a field is invalid', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(
      h().services.declarations.declare(id, { ...wuhanTrip, temperature: 45 }),
      (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'temperature',
    );
    assert.deepEqual(await h().services.declarations.history(id, 10), []);
  });
});
