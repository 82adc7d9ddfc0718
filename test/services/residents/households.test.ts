import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../../../src/domain/field-errors.js';
import { ConflictError } from '../../../src/services/service-errors.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';

describeOnEachEngine('households', (h) => {
  it('adds a dependent without a phone and lists them', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    assert.equal(grandma.maskedName, '张*兰');
    assert.equal(grandma.maskedPhone, null);
    assert.equal(grandma.relationship, 'grandparent');
    assert.deepEqual((await h().services.residents.dependents(zhang.id)).map((d) => d.id), [grandma.id]);
  });

  it('lets the guardian act for the dependent and nobody else', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    assert.equal(await h().services.residents.mayActFor(zhang.id, grandma.id), true);
    assert.equal(await h().services.residents.mayActFor(liu.id, grandma.id), false);
    assert.equal(await h().services.residents.mayActFor(grandma.id, zhang.id), false);
  });

  it('refuses a dependent with a phone of their own', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(
      h().services.residents.addDependent(zhang.id, { ...GRANDMA_ZHANG, phone: '13700001111' }),
      (e: unknown) => e instanceof InvalidInputError && e.errors.some((x) => x.field === 'phone'),
    );
  });

  it('refuses an unknown relationship', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(
      h().services.residents.addDependent(zhang.id, { ...GRANDMA_ZHANG, relationship: 'landlord' }),
      (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'relationship',
    );
  });

  it('refuses a dependent who is already registered, without saying by whom', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    await assert.rejects(h().services.residents.addDependent(liu.id, GRANDMA_ZHANG), ConflictError);
    assert.deepEqual(await h().services.residents.dependents(liu.id), []);
  });

  it('does not let a dependent take dependents of their own', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    await assert.rejects(
      h().services.residents.addDependent(grandma.id, { ...GRANDMA_ZHANG, name: '张小宝', idNumber: '33011019900101008X', relationship: 'grandchild' }),
      (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'guardian',
    );
  });
});
