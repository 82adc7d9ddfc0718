import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo } from '../support/sign-in.js';
import { bearer, CASE_PURPOSE, confirmedCaseAtTheMall, member } from '../support/traced-case.js';

/** What a resident reads in "who read my data". */
type Entry = { action: string; actor: string; purpose: string; detail: Record<string, unknown> };

describeOnEachEngine('a contact found by a trace, reading their own access log', (h) => {
  /** Liu Fang signs in on her own phone and reads her log, as the app does. */
  async function liuReadsHerLog(liuId: string): Promise<Entry[]> {
    const app = await h().app();
    await h().services.signIn.requestSignInCode(LIU_FANG.phone!);
    const session = await h().services.signIn.verifySignInCode(LIU_FANG.phone!, await lastCodeSentTo(h(), `+86${LIU_FANG.phone}`));
    const log = await app.inject({ method: 'GET', url: `/api/v1/residents/${liuId}/access-log`, headers: bearer(session.token) });
    assert.equal(log.statusCode, 200, log.body);
    return log.json<Entry[]>();
  }

  it('shows a contact that a trace of a case read where and when she was near it, under the trace purpose, though she is not the case', async () => {
    const { authority, zhang, liu, grant } = await confirmedCaseAtTheMall(h());
    const now = h().clock.now().getTime();
    const trace = await h().services.tracing.open(member(authority), { caseResidentId: zhang.id, from: new Date(now - 14 * 86_400_000).toISOString(), to: new Date(now).toISOString(), grantId: grant.id });
    assert.ok(trace.contacts.some((c) => c.residentId === liu.id), 'Liu Fang is one of the contacts');
    const traced = (await liuReadsHerLog(liu.id)).find((e) => e.action === 'traced-as-contact');
    assert.ok(traced, 'the trace that read her visits is in her log');
    assert.equal(traced.purpose, CASE_PURPOSE);
    assert.equal(traced.detail.traceId, trace.id);
  });

  it('shows the contact the confirmation that decided her colour again, and none of the case’s own entries', async () => {
    const { authority, zhang, liu, grant } = await confirmedCaseAtTheMall(h());
    const now = h().clock.now().getTime();
    const trace = await h().services.tracing.open(member(authority), { caseResidentId: zhang.id, from: new Date(now - 14 * 86_400_000).toISOString(), to: new Date(now).toISOString(), grantId: grant.id });
    await h().services.tracing.confirm(member(authority), trace.id, grant.id);
    const entries = await liuReadsHerLog(liu.id);
    assert.ok(entries.some((e) => e.action === 'confirmed-as-contact' && e.detail.traceId === trace.id), JSON.stringify(entries.map((e) => e.action)));
    assert.ok(!entries.some((e) => e.action === 'open-trace' || e.action === 'confirm-trace'), 'the case’s entries stay in the case’s log');
    assert.ok(!JSON.stringify(entries).includes(ZHANG_WEI.idNumber), 'nothing of the case’s identity');
  });
});
