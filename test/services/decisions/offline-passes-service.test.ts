import assert from 'node:assert/strict';
import { it } from 'node:test';
import { verifyPresentation } from '../../../src/codes/offline-pass.js';
import { nodeVerify } from '../../../src/codes/token-signer.js';
import { HOUR_MS } from '../../../src/domain/clock.js';
import { InvalidInputError } from '../../../src/domain/field-errors.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { newPhone } from '../../support/phone-key.js';
import { registerVerified } from '../../support/sign-in.js';

async function greenZhang(h: Harness): Promise<string> {
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  return id;
}

const verified = async (h: Harness, text: string, at = h.clock.now().getTime()) => verifyPresentation(text, await h.services.keys.trustList(), nodeVerify(), at);

describeOnEachEngine('an offline pass issued', (h) => {
  it("binds the phone's key to the resident's current colour and masked name, under the trust list's keys", async () => {
    const id = await greenZhang(h());
    const phone = newPhone();
    const issued = await h().services.offlinePasses.issue(id, { publicKey: phone.publicKey });
    const result = await verified(h(), phone.present(issued.pass, h().clock.now().getTime()));
    assert.ok(result.valid, result.valid ? '' : result.detail);
    assert.deepEqual([result.claims.colour, result.claims.maskedName, result.claims.deviceKey], ['green', issued.maskedName, phone.publicKey]);
  });

  it('cannot be linked to the next pass of the same person by its subject', async () => {
    const id = await greenZhang(h());
    const phone = newPhone();
    const now = h().clock.now().getTime();
    const [a, b] = [await h().services.offlinePasses.issue(id, { publicKey: phone.publicKey }), await h().services.offlinePasses.issue(id, { publicKey: phone.publicKey })];
    const [ra, rb] = [await verified(h(), phone.present(a.pass, now)), await verified(h(), phone.present(b.pass, now))];
    assert.ok(ra.valid && rb.valid);
    assert.notEqual(ra.claims.subject, rb.claims.subject);
  });

  it('lives the configured maximum (twelve hours by default) when the decision holds longer', async () => {
    const id = await greenZhang(h());
    const issued = await h().services.offlinePasses.issue(id, { publicKey: newPhone().publicKey });
    assert.equal(issued.expiresAt - issued.issuedAt, 12 * HOUR_MS);
  });

  it("ends at the decision's valid_until when that comes first (a declaration turning stale)", async () => {
    const id = await greenZhang(h());
    // The declaration is 14 days old 14 days after it was made: the colour turns gray then, so the pass may not outlive it.
    h().clock.advance(14 * 24 * HOUR_MS - 2 * HOUR_MS);
    const issued = await h().services.offlinePasses.issue(id, { publicKey: newPhone().publicKey });
    assert.equal(issued.colour, 'green');
    assert.ok(issued.expiresAt - issued.issuedAt <= 2 * HOUR_MS, `${(issued.expiresAt - issued.issuedAt) / HOUR_MS} h`);
    const { validUntil } = await h().services.decisions.current(id);
    assert.equal(issued.expiresAt, Math.floor(validUntil / 1000) * 1000);
  });

  it('stamps its colour as vouched for at issue, not when the unchanged decision was last written', async () => {
    const id = await greenZhang(h());
    // Green with nothing new for ten hours: the stored decision is ten hours old, and still the current one.
    h().clock.advance(10 * HOUR_MS);
    assert.equal((await h().services.decisions.current(id)).decidedNow, false);
    const issued = await h().services.offlinePasses.issue(id, { publicKey: newPhone().publicKey });
    assert.equal(issued.decidedAt, issued.issuedAt);
    assert.equal(issued.decidedAt, Math.floor(h().clock.now().getTime() / 1000) * 1000);
  });

  it('decides afresh rather than vouch for a stored colour while a new fact of the resident waits in the re-decision queue', async () => {
    const id = await greenZhang(h());
    h().clock.advance(HOUR_MS);
    const now = h().clock.now().getTime();
    // A positive test recorded, and the process stopped before re-deciding: the stored decision still says green.
    await h().ctx.stores.authorityRecords.insertFact({ id: 'test-zhang-positive', resident_id: id, kind: 'test', value: 'positive', detail: '{}', occurred_at: now - HOUR_MS, source: 'authority', recorded_at: now });
    await h().ctx.stores.redecisions.enqueue([id], 'import', now);
    const issued = await h().services.offlinePasses.issue(id, { publicKey: newPhone().publicKey });
    assert.equal(issued.colour, 'red');
  });

  it("refuses a pass once the sunset of the resident's district is approved, before it has run, naming the region", async () => {
    const id = await greenZhang(h());
    const [wang, li] = [await h().services.staff.create('余杭区卫健局 王局长', 'authority'), await h().services.staff.create('余杭区疾控中心 李主任', 'authority')];
    const asked = await h().services.sunset.request(wang as never, '330110');
    await h().services.sunset.approve(li as never, asked.id);
    await assert.rejects(h().services.offlinePasses.issue(id, { publicKey: newPhone().publicKey }), (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'address.region');
  });

  it('refuses a public key that is not 32 bytes of base64url, naming the field', async () => {
    const id = await greenZhang(h());
    for (const publicKey of ['', 'not a key', 'A'.repeat(44), `${'A'.repeat(42)}=`]) {
      await assert.rejects(h().services.offlinePasses.issue(id, { publicKey }), (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'publicKey');
    }
  });
});
