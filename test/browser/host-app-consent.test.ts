import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import * as oauth from 'oauth4webapi';
import { HOST_SCOPE_FIELDS } from '../../src/domain/host-scopes.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

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
    it(`shows who asks for what and exactly which fields go, refuses a consent link opened in another browser, allowing sends the browser back with a code, and removing under Me ends the token (${lang})`, { timeout: 90_000 }, async () => {
      const s = server.services;
      const person = { ...ZHANG_WEI, phone: lang === 'en' ? '13912345670' : ZHANG_WEI.phone, idNumber: lang === 'en' ? withCheck('33011019900307451') : ZHANG_WEI.idNumber };
      const resident = await s.residents.register(person, { phoneVerifiedAt: Date.now() });
      const session = await s.signIn.sessionFor(resident.id, Date.now());
      const { clientId } = await s.hostApps.register({ name: lang === 'en' ? 'Alipay' : '支付宝', redirectUris: [REDIRECT], scopes: ['code:read', 'travel-card:read'] });
      const verifier = oauth.generateRandomCodeVerifier();
      const authorize = new URL(`${server.url}/oauth/auth`);
      for (const [k, v] of Object.entries({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'code:read travel-card:read', state: 'abc123', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
        authorize.searchParams.set(k, v);
      }
      const context = await browser.newContext(PHONE);
      await context.addInitScript({ content: `localStorage.setItem('healthcode.lang', '${lang}'); localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(session))});` });
      let callback: URL | undefined;
      await context.route('https://host.example/**', async (route) => {
        callback = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>back in the host app</p>' });
      });
      const page = await context.newPage();
      await page.goto(authorize.href);
      await page.locator('[data-testid=consent-app]').waitFor();
      const uid = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('uid')!;

      // The same consent link, opened in the resident's other browser (the attacker sent it): refused, plainly.
      const other = await browser.newContext(PHONE);
      await other.addInitScript({ content: `localStorage.setItem('healthcode.lang', '${lang}'); localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(session))});` });
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
      // Said on screen, naming the app, though no app is left to list.
      const removed = page.locator('[data-testid=host-app-removed]');
      await removed.waitFor();
      assert.equal(await removed.textContent(), MESSAGES[lang]['hostApps.removed'].replace('{app}', lang === 'en' ? 'Alipay' : '支付宝'));
      assert.equal(await apps.locator('li').count(), 0);
      assert.equal((await hostCode()).status, 401);
      await page.screenshot({ path: join(SCREENS, `host-apps-removed.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
