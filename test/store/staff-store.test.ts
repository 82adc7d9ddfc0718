import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StaffStore } from '../../src/store/staff-store.js';
import { ENGINES, openTestStore, type OpenedStore } from '../support/engines.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const WANG = { id: 'a0c6f1de-6a9e-4d8e-9d55-3c1f0b2a7e11', name: '余杭区疾控中心 王主任', role: 'authority', region: '330110', tokenDigest: 'digest-wang' };
const LI = { id: 'b7d2e4f0-1c3a-4b5d-8e6f-7a8b9c0d1e22', name: '余杭区流调队 李队长', role: 'tracer', region: '330110', tokenDigest: 'digest-li' };
const ZHAO = { id: 'c9e3f5a1-2d4b-4c6e-9f70-8b9c0d1e2f33', name: '浙江省卫健委 赵处长', role: 'authority', region: null, tokenDigest: 'digest-zhao' };

for (const engine of ENGINES) {
  describe(`staff credentials kept as digests of their tokens [${engine}]`, () => {
    let opened: OpenedStore;
    let staff: StaffStore;
    beforeEach(async () => {
      opened = await openTestStore(engine);
      staff = new StaffStore(opened.store.db);
      for (const s of [WANG, LI, ZHAO]) await staff.insert({ ...s, now: NOW });
    });
    afterEach(async () => {
      await opened.dispose();
    });

    it('finds a credential by its token digest, with the region it answers for', async () => {
      assert.deepEqual(await staff.byTokenDigest('digest-li'), { id: LI.id, name: LI.name, role: 'tracer', region: '330110' });
      assert.deepEqual(await staff.byTokenDigest('digest-zhao'), { id: ZHAO.id, name: ZHAO.name, role: 'authority', region: null });
    });

    it('finds nothing by a digest no credential has', async () => {
      assert.equal(await staff.byTokenDigest('digest-unknown'), undefined);
    });

    it('no longer finds, nor counts as active, a credential once revoked', async () => {
      await opened.store.db.updateTable('staff_tokens').set({ revoked_at: NOW + 1000 }).where('id', '=', WANG.id).execute();
      assert.equal(await staff.byTokenDigest('digest-wang'), undefined);
      assert.equal(await staff.isActive(WANG.id), false);
      assert.equal(await staff.isActive(LI.id), true);
      assert.deepEqual((await staff.active(['authority'])).map((s) => s.name), [ZHAO.name]);
    });

    it('lists the active credentials of the roles asked for, by name', async () => {
      assert.deepEqual((await staff.active(['authority', 'tracer'])).map((s) => s.id).sort(), [WANG.id, LI.id, ZHAO.id].sort());
      assert.deepEqual((await staff.active(['tracer'])).map((s) => s.name), [LI.name]);
      assert.deepEqual(await staff.active(['auditor']), []);
    });

    it('names staff by id, leaving out ids it does not know', async () => {
      assert.deepEqual(await staff.names([LI.id, 'd0000000-0000-4000-8000-000000000000']), new Map([[LI.id, LI.name]]));
      assert.deepEqual(await staff.names([]), new Map());
    });
  });
}
