import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Route } from 'playwright-core';
import { ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };

/** The answer the service gives when it sheds load (protection.ts), sent in its place. */
const shed = (route: Route) =>
  route.fulfill({ status: 503, headers: { 'retry-after': '1', 'content-type': 'application/problem+json; charset=utf-8' }, body: JSON.stringify({ type: '/problems/overloaded', title: 'Overloaded', status: 503, detail: 'event-loop delay 1415 ms, mark 1000 ms' }) });

describe('the resident app at rush hour, when the service sheds load', () => {
  let server: WebServer;
  let browser: Browser;
  let session: unknown;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const resident = await server.services.residents.register(ZHANG_WEI, { phoneVerifiedAt: Date.now() });
    await server.services.declarations.declare(resident.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    session = asTheAppKeepsIt(await server.services.signIn.sessionFor(resident.id, Date.now()));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The code screen, signed in, with the code requests refused while `refusing()` says so. */
  async function codeScreen(lang: 'zh-CN' | 'en', refusing: () => boolean, options: { fakeClock?: boolean } = {}) {
    const context = await browser.newContext({ ...PHONE, locale: lang });
    await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': session });
    if (options.fakeClock) await context.clock.install();
    let asked = 0;
    await context.route('**/api/v1/residents/*/code', async (route) => {
      asked += 1;
      await (refusing() ? shed(route) : route.continue());
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/resident/#/code`);
    return { page, asked: () => asked };
  }

  it('shows the code after the service turned it away twice, without the resident tapping again', { timeout: 60_000 }, async () => {
    let refusals = 2;
    const { page, asked } = await codeScreen('en', () => refusals-- > 0);
    await page.waitForSelector('[data-testid=code-card][data-colour=green]', { timeout: 20_000 });
    assert.equal(asked(), 3);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`says in plain words that the service is busy once its retries are spent, and one tap asks again (${lang})`, { timeout: 60_000 }, async () => {
      let busy = true;
      const { page, asked } = await codeScreen(lang, () => busy);
      const notice = page.locator('[data-problem=overloaded]');
      await notice.waitFor({ timeout: 20_000 });
      assert.match(await notice.innerText(), lang === 'en' ? /very busy just now: nothing was changed/ : /当前访问人数过多/);
      assert.equal(asked(), 4, 'the first try and three retries');
      await page.screenshot({ path: join(SCREENS, `resident-code-busy.${lang}.png`), fullPage: true });
      // When the rush is over, one tap shows the code.
      busy = false;
      await page.click('[data-testid=code-retry]');
      await page.waitForSelector('[data-testid=code-card][data-colour=green]');
      assert.equal(asked(), 5);
    });
  }

  it('keeps one request in flight when the code nears expiry while the service sheds load', { timeout: 60_000 }, async (t) => {
    let busy = false;
    const { page, asked: requests } = await codeScreen('en', () => busy, { fakeClock: true });
    await page.waitForSelector('[data-testid=code-card][data-colour=green]');
    // The rush begins as the code (valid 300 s) comes within its 30 s of renewal; ten seconds pass.
    busy = true;
    await page.clock.runFor(271_000);
    const before = requests();
    for (let second = 0; second < 10; second += 1) {
      await page.clock.runFor(1000);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const asked = requests() - before;
    // The screen asks every second near expiry; each ask may retry three times. One at a time, ten
    // seconds hold at most a request a second; without the guard, asks pile up: about four a second.
    t.diagnostic(`${asked} requests in 10 s`);
    assert.ok(asked >= 2 && asked <= 11, `${asked} requests in 10 s`);
    assert.ok(await page.locator('[data-testid=code-card]').isVisible(), 'the code stays on screen');
  });
});
