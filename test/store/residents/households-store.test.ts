import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';

/** Households as stored: who added whom, and what a relative may see and act for. */
describeOnEachEngine('the households store', (h) => {
  it('lists the members a resident added, opened, with how they are related', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const [member, ...others] = await h().ctx.stores.households.dependentsOf(zhang.id);
    assert.equal(others.length, 0);
    assert.equal(member!.resident.id, grandma.id);
    assert.equal(member!.resident.name, GRANDMA_ZHANG.name);
    assert.equal(member!.relationship, 'grandparent');
  });

  it('names the household as the resident and the members they added', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    assert.deepEqual(await h().ctx.stores.households.householdIds(zhang.id), [zhang.id, grandma.id]);
    assert.deepEqual(await h().ctx.stores.households.householdIds(grandma.id), [grandma.id]);
  });

  it('knows a guardian from a stranger', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    assert.equal(await h().ctx.stores.households.isGuardianOf(zhang.id, grandma.id), true);
    assert.equal(await h().ctx.stores.households.isGuardianOf(liu.id, grandma.id), false);
  });

  it('counts a member as sole only while nobody else looks after them', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const households = h().ctx.stores.households;
    assert.deepEqual(await households.soleDependentsOf(zhang.id), [grandma.id]);
    await households.addGuardianship(liu.id, grandma.id, 'other', h().clock.now().getTime());
    assert.deepEqual(await households.soleDependentsOf(zhang.id), []);
    assert.deepEqual((await households.guardiansOf(grandma.id)).map((g) => g.guardianId), [zhang.id, liu.id]);
  });

  it("raises a member's facts version when a guardian is added, so a re-decision of them in flight saves nothing", async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const before = (await h().ctx.stores.facts.versions([grandma.id])).get(grandma.id)!;
    await h().ctx.stores.households.addGuardianship(liu.id, grandma.id, 'other', h().clock.now().getTime());
    assert.equal((await h().ctx.stores.facts.versions([grandma.id])).get(grandma.id), before + 1);
  });
});
