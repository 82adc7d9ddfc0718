import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

/** Zhang Wei, back from five days in Wuchang (420106) a week ago: green while Wuchang is not listed. */
async function zhangBackFromWuchang(h: Harness): Promise<string> {
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, {
    stays: [{ region: '420106', arrival: '2026-11-08T09:00:00+08:00', departure: '2026-11-13T18:00:00+08:00' }],
    contacts: [],
    symptoms: [],
    temperature: 36.6,
  });
  return id;
}

describeOnEachEngine('risk areas listed by the authority', (h) => {
  it('changes the listing when the same district is saved again at the same level over a period that meets it', async () => {
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-12T00:00:00+08:00' });
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' });
    const areas = await h().services.authority.riskAreas();
    assert.deepEqual(
      areas.map((a) => [a.region, a.level, a.from, a.to]),
      [['420106', 'high', Date.parse('2026-11-05T16:00:00.000Z'), null]],
    );
  });

  it('ends a listing when it is saved again with an end', async () => {
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' });
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00', to: '2026-11-19T00:00:00+08:00' });
    assert.deepEqual((await h().services.authority.riskAreas()).map((a) => a.to), [Date.parse('2026-11-18T16:00:00.000Z')]);
  });

  it('keeps a listing at another level, or of a later period that does not meet it, as a listing of its own', async () => {
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-01T00:00:00+08:00', to: '2026-11-08T00:00:00+08:00' });
    await h().services.authority.setRiskArea({ region: '420106', level: 'medium', from: '2026-11-08T00:00:00+08:00' });
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-15T00:00:00+08:00' });
    assert.equal((await h().services.authority.riskAreas()).length, 3);
  });

  it('changes nothing and decides nobody again when the same listing is saved twice', async () => {
    await zhangBackFromWuchang(h());
    const area = { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' };
    await h().services.authority.setRiskArea(area);
    const again = await h().services.authority.setRiskArea(area);
    assert.deepEqual([again.redecided, again.colourChanges], [0, 0]);
  });

  it('tells before saving, per home district, who would be decided again and who would turn red, and stores nothing', async () => {
    const id = await zhangBackFromWuchang(h());
    const preview = await h().services.authority.previewRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' }, () => true);
    assert.deepEqual([preview.complete, preview.districts], [true, [{ residents: 1, kept: [], transitions: [{ from: 'green', to: 'red', residents: 1 }] }]]);
    assert.deepEqual(await h().services.authority.riskAreas(), []);
    assert.equal((await h().services.healthCodes.issue(id)).decision.colour, 'green');
  });

  it('shows that a listing starting now changes nobody who was there in the days before', async () => {
    await zhangBackFromWuchang(h());
    const preview = await h().services.authority.previewRiskArea({ region: '420106', level: 'high', from: h().clock.now().toISOString() }, () => true);
    assert.deepEqual(preview.districts, [{ residents: 1, kept: [{ colour: 'green', residents: 1 }], transitions: [] }]);
  });

  it('counts in a preview only the residents whose home region it is asked to count', async () => {
    await zhangBackFromWuchang(h());
    const preview = await h().services.authority.previewRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' }, (region) => region === '330106');
    assert.deepEqual(preview.districts, [], `${ZHANG_WEI.address.region} is not counted`);
  });

  it('names the field at fault in a preview, as saving does', async () => {
    await assert.rejects(h().services.authority.previewRiskArea({ region: '999999', level: 'high', from: '2026-11-06T00:00:00+08:00' }, () => true), (error: Error & { errors?: { field: string }[] }) => error.errors?.[0]?.field === 'region');
  });

  it('lets only the authority preview a listing: a gate credential is refused, and nobody signed out', async () => {
    const app = await h().app();
    const gate = await h().services.staff.create('龙翔桥站', 'checkpoint');
    const body = { region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' };
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/risk-areas/preview', payload: body });
    const checkpoint = await app.inject({ method: 'POST', url: '/api/v1/risk-areas/preview', payload: body, headers: { authorization: `Bearer ${gate.token}` } });
    assert.deepEqual([anonymous.statusCode, checkpoint.statusCode], [401, 403]);
  });
});

describeOnEachEngine('a re-decision the process never finished', (h) => {
  it('shows a code decided afresh, not the colour kept before, when the process dies between the listing and its re-decision', async () => {
    const id = await zhangBackFromWuchang(h());
    assert.equal((await h().services.healthCodes.view(id)).issued.decision.colour, 'green');
    // The listing commits; the drain that should follow it never runs (the process died, or a large one is still going).
    const authority = h().services.authority;
    const drain = authority.redecideQueued.bind(authority);
    authority.redecideQueued = async () => {
      throw new Error('killed between the commit and the drain');
    };
    try {
      await assert.rejects(authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-06T00:00:00+08:00' }), /killed/);
    } finally {
      authority.redecideQueued = drain;
    }
    const shown = await h().services.healthCodes.view(id);
    assert.equal(shown.issued.decision.colour, 'red');
  });
});
