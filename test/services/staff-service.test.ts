import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireJurisdiction, type StaffMember } from '../../src/services/staff-service.js';
import { describeOnEachEngine } from '../support/harness.js';

const officer = (region: string | null): StaffMember => ({ id: 'a0c6f1de-6a9e-4d8e-9d55-3c1f0b2a7e11', name: '疾控中心 王主任', role: 'authority', region });

describe('the region a staff member answers for', () => {
  it('covers the residents of their district, and a city officer those of every district in the city', () => {
    requireJurisdiction(officer('330110'), '330110');
    requireJurisdiction(officer('330100'), '330110');
    requireJurisdiction(officer('330000'), '330110');
    requireJurisdiction(officer(null), '420106');
  });

  it('does not cover a neighbouring district, nor another city of the province', () => {
    assert.throws(() => requireJurisdiction(officer('330106'), '330110'), /answers for .*330106/);
    assert.throws(() => requireJurisdiction(officer('330200'), '330110'), /330200/);
  });
});

describeOnEachEngine('creating a staff credential for a region', (h) => {
  it('names the region when it is not a division code', async () => {
    for (const region of ['3301', '999999', '33011x']) {
      await assert.rejects(h().services.staff.create('余杭区疾控中心 王主任', 'authority', region), (error: Error & { errors?: { field: string }[] }) => error.errors?.[0]?.field === 'region', region);
    }
  });

  it('keeps the region with the credential, as the credential is read back', async () => {
    const made = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    assert.equal((await h().services.staff.authenticate(made.token, ['authority'])).region, '330110');
  });
});
