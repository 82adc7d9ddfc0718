import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';

describeOnEachEngine("where a resident's facts came from", (h) => {
  it("reads a resident's origin once while 12,000 other residents' are read in turn (as many as the codes kept)", async () => {
    // Counted at the store: every resident here registered here, none came with a home registration.
    const federation = h().ctx.stores.federation;
    const reads: string[] = [];
    federation.visitorLink = async (residentId: string) => void reads.push(residentId);
    const residents = Array.from({ length: 12_001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const id of [...residents, residents[0]!]) assert.equal(await h().services.moving.factsFrom(id), null);
    assert.deepEqual(reads, residents);
  });
});
