import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import * as oauth from 'oauth4webapi';
import { HOST_SCOPE_FIELDS } from '../../src/domain/federation/host-scopes.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const REDIRECT = 'https://host.example/healthcode/callback';

describe('a host app asks for access, and the resident answers in the resident app', () => {
  let server: WebServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`consent and revoke: the sign-in says which app sent the person and why, the consent lists exactly which fields go, a link opened in another browser is refused, allowing gives the app a code, removing under Me is confirmed and ends the token (${lang})`, { timeout: 90_000 }, async () => {
      const s = server.services;
      const person = { ...ZHANG_WEI, phone: lang === 'en' ? '13912345670' : ZHANG_WEI.phone, idNumber: lang === 'en' ? withCheck('33011019900307451') : ZHANG_WEI.idNumber };
      await s.residents.register(person, { phoneVerifiedAt: Date.now() });
            const { clientId } = await s.hostApps.register({ name: lang === 'en' ? 'Alipay' : '支付宝', redirectUris: [REDIRECT], scopes: ['code:read', 'travel-card:read'] });
      const verifier = oauth.generateRandomCodeVerifier();
      const authorize = new URL(`${server.url}/oauth/auth`);
      for (const [k, v] of Object.entries({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'code:read travel-card:read', state: 'abc123', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
        authorize.searchParams.set(k, v);
      }
      const context = await browser.newContext(PHONE);
      // Not signed in on this phone: the app's link leads to the sign-in first.
      await seedStorage(context, { 'healthcode.lang': lang });
      await meterTaps(context);
      let callback: URL | undefined;
      await context.route('https://host.example/**', async (route) => {
        callback = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back in the host app</p>' });
      });
      const page = await context.newPage();
      const flow = await startFlow(`consent and revoke (${lang})`, [page]);
      await page.goto(authorize.href);
      // The sign-in screen says which app sent the person, by the name it registered, and what it asks.
      const context_ = page.locator('[data-testid=sign-in-from-app]');
      await context_.waitFor();
      assert.match((await context_.innerText()).replace(/\s+/g, ' '), lang === 'en' ? /Alipay sent you here\. It asks to show your health code in the app and show your travel card in the app\./ : /您从「支付宝」来到这里。 ?它请求在应用中出示您的健康码、在应用中出示您的行程卡。/);
      await page.screenshot({ path: join(SCREENS, `host-app-sign-in-context.${lang}.png`), fullPage: true });
      await page.fill('input[name=phone]', person.phone!);
      await page.click('button.primary');
      const sms = page.locator('[data-testid=demo-sms]');
      await sms.waitFor();
      await page.fill('input[name=code]', /\b(\d{6})\b/.exec((await sms.textContent()) ?? '')![1]!);
      await page.click('button.primary');
      await page.locator('[data-testid=consent-app]').waitFor();
      const uid = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('uid')!;

      // The same consent link, opened in the resident's other browser (the attacker sent it): refused, plainly.
      const other = await browser.newContext(PHONE);
      // Signed in there too (the same resident's session, as the app saved it here).
      const session = await page.evaluate<string | null>("localStorage.getItem('healthcode.resident.session')");
      await seedStorage(other, { 'healthcode.lang': lang, 'healthcode.resident.session': session });
      const victim = await other.newPage();
      await victim.goto(`${server.url}/resident/#/oauth?uid=${encodeURIComponent(uid)}`);
      const refusal = victim.locator('[data-testid=consent-other-browser]');
      await refusal.waitFor();
      assert.match((await refusal.textContent()) ?? '', lang === 'en' ? /started in another browser or app/ : /在另一个浏览器或应用中发起/);
      assert.equal(await victim.locator('button.primary').count(), 0, 'no Allow button on a refused request');
      await victim.screenshot({ path: join(SCREENS, `host-app-consent-other-browser.${lang}.png`), fullPage: true });
      await other.close();

      const scopes = (await page.textContent('[data-testid=consent-scopes]')) ?? '';
      assert.match(scopes, lang === 'en' ? /show your health code in the app.*show your travel card/s : /出示您的健康码.*出示您的行程卡/s);
      // Each scope lists exactly the fields the host API sends for it, in the resident's language.
      for (const scope of ['code:read', 'travel-card:read'] as const) {
        const items = page.locator(`[data-scope="${scope}"] [data-testid=consent-fields] li`);
        assert.deepEqual(await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-field'))), [...HOST_SCOPE_FIELDS[scope]]);
        assert.deepEqual(await items.allTextContents(), HOST_SCOPE_FIELDS[scope].map((f) => MESSAGES[lang][`hostField.${f}`]));
      }
      await page.screenshot({ path: join(SCREENS, `host-app-consent.${lang}.png`), fullPage: true });
      await page.click(`button:has-text("${lang === 'en' ? 'Allow Alipay' : '允许 支付宝'}")`);
      await page.waitForURL(/host\.example/);
      assert.equal(callback?.searchParams.get('state'), 'abc123');
      assert.ok(callback?.searchParams.get('code'));
      assert.equal(callback?.searchParams.get('iss'), `${server.url}/oauth`);
      const issuer = new URL(`${server.url}/oauth`);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
      const client = { client_id: clientId, token_endpoint_auth_method: 'none' as const };
      const params = oauth.validateAuthResponse(as, client, callback!, 'abc123');
      const exchanged = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, { [oauth.allowInsecureRequests]: true });
      const token = (await oauth.processAuthorizationCodeResponse(as, client, exchanged)).access_token;
      const hostCode = () => fetch(`${server.url}/api/v1/host/code`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal((await hostCode()).status, 200);

      // In "Me", the app is listed with what it may do, and removing it ends its token at once.
      await page.goto(`${server.url}/resident/#/data`);
      const apps = page.locator('[data-testid=connected-apps]');
      await apps.waitFor();
      assert.match((await apps.textContent()) ?? '', lang === 'en' ? /Alipay/ : /支付宝/);
      await apps.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENS, `host-apps-in-me.${lang}.png`), fullPage: true });
      await apps.locator('button.link').click();
      await apps.locator('.confirm').waitFor();
      await page.screenshot({ path: join(SCREENS, `host-apps-remove-confirm.${lang}.png`), fullPage: true });
      await apps.locator(`.confirm button:has-text("${lang === 'en' ? 'Remove access' : '确认撤销'}")`).click();
      // Said where the app was, in words naming it; the app is gone from the list.
      const removed = page.locator('[data-testid=host-app-removed]');
      await removed.waitFor();
      assert.match(await removed.innerText(), lang === 'en' ? /Alipay no longer has access/ : /已撤销「支付宝」的访问权限/);
      await apps.locator('li').first().waitFor({ state: 'detached' });
      assert.match(await page.locator('main').innerText(), lang === 'en' ? /No app has access to your health code/ : /没有应用可以访问您的健康码/);
      assert.equal((await hostCode()).status, 401);
      const measured = await flow.end();
      assert.ok(measured.taps <= 8, `consent and revoke took ${measured.taps} taps`);
      await page.screenshot({ path: join(SCREENS, `host-apps-removed.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
