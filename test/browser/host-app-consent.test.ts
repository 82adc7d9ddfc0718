import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import * as oauth from 'oauth4webapi';
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
    it(`shows who asks for what in plain words, and allowing it sends the browser back to the app with a code (${lang})`, { timeout: 60_000 }, async () => {
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
      const scopes = (await page.textContent('[data-testid=consent-scopes]')) ?? '';
      assert.match(scopes, lang === 'en' ? /show your health code in the app.*show your travel card/s : /出示您的健康码.*出示您的行程卡/s);
      await page.screenshot({ path: join(SCREENS, `host-app-consent.${lang}.png`), fullPage: true });
      await page.click(`button:has-text("${lang === 'en' ? 'Allow Alipay' : '允许 支付宝'}")`);
      await page.waitForURL(/host\.example/);
      assert.equal(callback?.searchParams.get('state'), 'abc123');
      assert.ok(callback?.searchParams.get('code'));
      assert.equal(callback?.searchParams.get('iss'), `${server.url}/oauth`);

      // In "Me", the app is listed with what it may do, and can be removed.
      await page.goto(`${server.url}/resident/#/data`);
      const apps = page.locator('[data-testid=connected-apps]');
      await apps.waitFor();
      assert.match((await apps.textContent()) ?? '', lang === 'en' ? /Alipay/ : /支付宝/);
      await page.screenshot({ path: join(SCREENS, `host-apps-in-me.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
