import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { describeOnEachEngine } from '../../../support/harness.js';
import { approveAndExchange, authorize, consentCall, cookieHeader, hostGet, setUp, type Flow } from '../../../support/host-app-flow.js';

/**
 * What the consent screen lists is what the host app gets: the fields the consent API names for each
 * scope are exactly the fields of the host API's answers, so the two cannot drift apart unseen.
 */

describeOnEachEngine('the consent screen and what a host app is sent', (harness) => {
  let f: Flow;
  beforeEach(async () => {
    f = await setUp(harness(), ['code:read', 'travel-card:read']);
  });

  it('names, for each scope, exactly the fields the host API then sends for it', async () => {
    const started = await authorize(f, 'code:read travel-card:read');
    const shown = (await (await consentCall(f, started.uid, 'request', started.cookies)).json()) as { fields: Record<string, string[]> };
    const token = await approveAndExchange(f, started);
    const sent = {
      'code:read': Object.keys((await (await hostGet(f, '/api/v1/host/code', token)).json()) as object),
      'travel-card:read': Object.keys((await (await hostGet(f, '/api/v1/host/travel-card', token)).json()) as object),
    };
    for (const scope of ['code:read', 'travel-card:read'] as const) assert.deepEqual([...sent[scope]].sort(), [...shown.fields[scope]!].sort(), scope);
  });

  it('tells the sign-in screen, before any sign-in, the registered name of the app that sent the person and what it asks', async () => {
    const started = await authorize(f, 'code:read');
    const answer = await fetch(`${f.origin}/oauth/interaction/${encodeURIComponent(started.uid)}/app`, { headers: { cookie: cookieHeader(started.cookies) } });
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { app: '支付宝', scopes: ['code:read'] });
  });

  it('tells another browser nothing about the app', async () => {
    const started = await authorize(f, 'code:read');
    const answer = await fetch(`${f.origin}/oauth/interaction/${encodeURIComponent(started.uid)}/app`);
    assert.equal(answer.status, 403);
    assert.doesNotMatch(await answer.text(), /支付宝/);
  });
});
