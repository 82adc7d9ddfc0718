import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import type { SmsScript } from '../../../src/domain/sms-script.js';
import { toTraditional } from '../../../src/domain/traditional-text.js';
import { createLogger } from '../../../src/logging.js';
import { NOTICE_LEASE_MS } from '../../../src/services/decisions/colour-notices-service.js';
import { ScheduledJobs } from '../../../src/services/scheduled-jobs.js';
import type { SmsSender } from '../../../src/services/sms-sender.js';
import type { StaffMember } from '../../../src/services/staff-service.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo, registerVerified } from '../../support/sign-in.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
const ZHANG_PHONE = '+8613912345678';
const LIU_PHONE = '+8615067891234';

/** Every colour notice in the outbox (sign-in codes left out), oldest first, in either script. */
async function notices(h: Harness): Promise<{ recipient: string; body: string }[]> {
  return (await h.ctx.stores.outbox.list(100)).filter((m) => /健康码已变为|健康碼已變為/.test(m.body)).reverse().map(({ recipient, body }) => ({ recipient, body }));
}

/** Signs in with a code asked for in `script`, as the app does in the language it shows. */
async function signInReading(h: Harness, phone: string, script: SmsScript): Promise<void> {
  // Past the wait between two codes to one phone.
  h.clock.advance(5 * MINUTE_MS);
  await h.services.signIn.requestSignInCode(phone, { script });
  await h.services.signIn.verifySignInCode(phone, await lastCodeSentTo(h, phone));
}

/** Two authorities of Yuhang: one proposes an isolation order for a resident, the other approves it. */
async function isolate(h: Harness, residentId: string): Promise<void> {
  const [wang, li] = [await h.services.staff.create('余杭区疾控中心 王主任', 'authority'), await h.services.staff.create('余杭区疾控中心 李医生', 'authority')];
  const expiresAt = new Date(h.clock.now().getTime() + 7 * DAY_MS).toISOString();
  const proposed = await h.services.corrections.propose(wang as StaffMember, residentId, { colour: 'red', reason: 'isolation-order', note: '您于 11 月 19 日在余杭区疾控中心接受流调，须居家隔离至通知结束。', expiresAt });
  await h.services.corrections.approve(li as StaffMember, proposed.id);
}

/** A gateway that is down: every send fails. */
const downGateway: SmsSender = { send: () => Promise.reject(new Error('gateway timeout')) };

describeOnEachEngine('colour notices: whoever holds the phone is told of every change', (h) => {
  async function greenZhang(): Promise<string> {
    const id = await registerVerified(h(), ZHANG_WEI);
    await h().services.declarations.declare(id, healthy);
    return id;
  }

  it("tells a resident on their own phone, once, the new colour, why, the date to green and the app's link", async () => {
    const id = await greenZhang();
    h().services.notices.setOrigin('https://jkm.example.gov.cn');
    await isolate(h(), id);
    const sent = await notices(h());
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.recipient, ZHANG_PHONE);
    assert.equal(
      sent[0]!.body,
      '【健康码】您的健康码已变为红码。原因：卫生部门对您个人下达了隔离通知。如无新情况，预计2026-11-27转为绿码。详情：https://jkm.example.gov.cn/resident/',
    );
  });

  it('tells a resident who signed in with the app in 繁體 in Traditional Chinese, the reason converted', async () => {
    const id = await greenZhang();
    await signInReading(h(), ZHANG_PHONE, 'zh-Hant');
    h().services.notices.setOrigin('https://jkm.example.gov.cn');
    await isolate(h(), id);
    assert.deepEqual(await notices(h()), [
      { recipient: ZHANG_PHONE, body: '【健康码】您的健康碼已變為紅碼。原因：衛生部門對您個人下達了隔離通知。如無新情況，預計2026-11-27轉為綠碼。詳情：https://jkm.example.gov.cn/resident/' },
    ]);
  });

  it('tells a resident in the script of the last code they used: back to Simplified after signing in in 简体 again', async () => {
    const id = await greenZhang();
    await signInReading(h(), ZHANG_PHONE, 'zh-Hant');
    await signInReading(h(), ZHANG_PHONE, 'zh-CN');
    await isolate(h(), id);
    assert.match((await notices(h()))[0]!.body, /^【健康码】您的健康码已变为红码。原因：卫生部门对您个人下达了隔离通知。/);
  });

  it('keeps Simplified for a resident when a stranger asks a Traditional code for their phone and never uses it', async () => {
    const id = await greenZhang();
    h().clock.advance(5 * MINUTE_MS);
    await h().services.signIn.requestSignInCode(ZHANG_PHONE, { script: 'zh-Hant' });
    await isolate(h(), id);
    assert.match((await notices(h()))[0]!.body, /^【健康码】您的健康码已变为红码。/);
  });

  it("tells a household member's change to the guardian in the guardian's script, her masked name as registered", async () => {
    const zhang = await greenZhang();
    await signInReading(h(), ZHANG_PHONE, 'zh-Hant');
    const grandma = await h().services.residents.addDependent(zhang, GRANDMA_ZHANG);
    await h().services.declarations.declare(grandma.id, healthy);
    await h().services.decisions.decide(grandma.id, 'code shown');
    await isolate(h(), grandma.id);
    const sent = await notices(h());
    assert.deepEqual(sent.map((m) => m.recipient), [ZHANG_PHONE]);
    const [head, reason] = sent[0]!.body.split('原因：') as [string, string];
    assert.equal(head, '【健康码】您的家人张*兰的健康碼已變為紅碼。');
    assert.equal(toTraditional(reason), reason, 'a Simplified character is left in the reason');
  });

  it('does not count a first colour as a change: registering and declaring send no notice', async () => {
    await greenZhang();
    assert.deepEqual(await notices(h()), []);
  });

  it('tells the guardian of a household member, naming her masked, and nobody else; never her ID number', async () => {
    const zhang = await greenZhang();
    const liu = await registerVerified(h(), LIU_FANG);
    await h().services.declarations.declare(liu, healthy);
    const grandma = await h().services.residents.addDependent(zhang, GRANDMA_ZHANG);
    await h().services.declarations.declare(grandma.id, healthy);
    await h().services.decisions.decide(grandma.id, 'code shown');
    await isolate(h(), grandma.id);
    const sent = await notices(h());
    assert.deepEqual(sent.map((m) => m.recipient), [ZHANG_PHONE], "only the grandson's phone: not Liu's, not a phone of her own");
    assert.match(sent[0]!.body, /^【健康码】您的家人张\*兰的健康码已变为红码。/);
    assert.doesNotMatch(sent[0]!.body, new RegExp(`张秀兰|${GRANDMA_ZHANG.idNumber}|${GRANDMA_ZHANG.idNumber.slice(-4)}`));
  });

  it('texts the phone an account has when the notice goes, not the one it had when the change was recorded (a visitor who took the account back)', async () => {
    const id = await greenZhang();
    const gateway = h().ctx.sms;
    h().ctx.sms = downGateway;
    await isolate(h(), id);
    h().ctx.sms = gateway;
    // The account's phone is taken back by its holder before the notice could go.
    await h().ctx.stores.residents.replacePhone(id, LIU_PHONE, h().clock.now().getTime());
    h().clock.advance(MINUTE_MS);
    await new ScheduledJobs(h().services, createLogger('silent'), 28).sweepDecisions();
    assert.deepEqual((await notices(h())).map((m) => m.recipient), [LIU_PHONE]);
  });

  it('tells a change once when two re-decisions of it race', async () => {
    const id = await greenZhang();
    const [wang, li] = [await h().services.staff.create('王主任', 'authority'), await h().services.staff.create('李医生', 'authority')];
    const expiresAt = new Date(h().clock.now().getTime() + 7 * DAY_MS).toISOString();
    const proposed = await h().services.corrections.propose(wang as StaffMember, id, { colour: 'red', reason: 'isolation-order', note: '须居家隔离至通知结束，请留在家中。', expiresAt });
    // In force in the records, not yet re-decided: five processes re-decide Zhang at once.
    await h().ctx.stores.corrections.decide(proposed.id, { status: 'active', by: li.id, at: h().clock.now().getTime() });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => h().services.decisions.redecide([id], `race ${i}`)));
    assert.equal(results.reduce((n, r) => n + r.notified, 0), 1);
    assert.equal((await notices(h())).length, 1);
    assert.equal((await h().ctx.stores.notices.ofResident(id)).length, 1);
  });

  it('does not lose the notice when the process dies after recording the change: the sweep sends it once its claim lapses', async () => {
    const id = await greenZhang();
    // The process that recorded the change claimed its notice and died before sending it.
    const claimant = h().ctx.sms;
    let claimedThenDied = false;
    h().ctx.sms = { send: async () => { claimedThenDied = true; throw new Error('process killed'); } };
    await isolate(h(), id);
    h().ctx.sms = claimant;
    assert.ok(claimedThenDied);
    const [queued] = await h().ctx.stores.notices.ofResident(id);
    assert.ok(queued, 'the notice was queued with the change');
    const now = h().clock.now().getTime();
    await h().ctx.stores.notices.claim(now, now + NOTICE_LEASE_MS, 10, [queued.id]);
    const jobs = new ScheduledJobs(h().services, createLogger('silent'), 28);
    h().clock.advance(MINUTE_MS);
    await jobs.sweepDecisions();
    assert.deepEqual(await notices(h()), [], 'still claimed by the process that died');
    h().clock.advance(NOTICE_LEASE_MS);
    await jobs.sweepDecisions();
    await jobs.sweepDecisions();
    assert.deepEqual((await notices(h())).map((m) => m.recipient), [ZHANG_PHONE]);
  });

  it('reports the phones told when a risk area is listed: the console shows the real number', async () => {
    const id = await greenZhang();
    await h().services.declarations.declare(id, { ...healthy, stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }] });
    const listed = await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    assert.deepEqual([listed.colourChanges, listed.notified], [1, 1]);
    assert.deepEqual((await notices(h())).map((m) => m.recipient), [ZHANG_PHONE]);
  });

  it('answers how many phones were told of the changes a re-decision made: the number the console shows', async () => {
    const zhang = await greenZhang();
    const grandma = await h().services.residents.addDependent(zhang, GRANDMA_ZHANG);
    await h().services.declarations.declare(grandma.id, healthy);
    await h().services.decisions.decide(grandma.id, 'code shown');
    const [wang, li] = [await h().services.staff.create('王主任', 'authority'), await h().services.staff.create('李医生', 'authority')];
    const expiresAt = new Date(h().clock.now().getTime() + 7 * DAY_MS).toISOString();
    for (const who of [zhang, grandma.id]) {
      const p = await h().services.corrections.propose(wang as StaffMember, who, { colour: 'yellow', reason: 'test-awaited', note: '请于今日到余杭区疾控中心做核酸检测。', expiresAt });
      await h().ctx.stores.corrections.decide(p.id, { status: 'active', by: li.id, at: h().clock.now().getTime() });
    }
    assert.deepEqual(await h().services.decisions.redecide([zhang, grandma.id], 'correction approved'), { redecided: 2, colourChanges: 2, notified: 2 });
  });
});
