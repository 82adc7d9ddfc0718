import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible } from '../support/axe.js';
import { OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
/**
 * A 390-pixel-wide phone with the page zoomed to 200%: the layout gets 195 CSS pixels of width and
 * half the height, every pixel drawn twice, exactly as the browser's zoom lays it out.
 */
const PHONE_AT_200 = { viewport: { width: 195, height: 422 }, deviceScaleFactor: 2, timezoneId: 'Asia/Shanghai' };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  const found = await page.locator(selector).boundingBox();
  assert.ok(found, `${selector} is not shown`);
  return found;
}

const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** `inner` lies wholly between the bottom of the top bar and the top of the tab bar, within the viewport's width. */
function assertBetweenBars(inner: Box, topbar: Box, tabbar: Box, what: string): void {
  assert.ok(inner.y >= topbar.y + topbar.height - 0.5, `${what} (top ${inner.y}) is under the top bar (bottom ${topbar.y + topbar.height})`);
  assert.ok(inner.y + inner.height <= tabbar.y + 0.5, `${what} (bottom ${inner.y + inner.height}) runs under the tab bar (top ${tabbar.y})`);
  assert.ok(inner.x >= 0 && inner.x + inner.width <= PHONE_AT_200.viewport.width + 0.5, `${what} is cut at the side: ${JSON.stringify(inner)}`);
}

describe('the code at 200% zoom on a phone', () => {
  let server: WebServer;
  let browser: Browser;
  const sessions: Record<string, unknown> = {};

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    for (const [lang, person, e164] of [['zh-CN', ZHANG_WEI, '+8613912345678'], ['en', OLIVER_BROWN, '+447911123456']] as const) {
      await server.services.residents.register(person);
      await server.services.signIn.requestSignInCode(person.phone!);
      const [sms] = await server.ctx.stores.outbox.list(1, e164);
      sessions[lang] = asTheAppKeepsIt(await server.services.signIn.verifySignInCode(person.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`shows the whole QR and its countdown above the tab bar, in ${lang}`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext({ ...PHONE_AT_200, locale: lang });
      const saved = [['healthcode.lang', lang], ['healthcode.resident.session', JSON.stringify(sessions[lang])]];
      await seedStorage(context, saved);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('[data-testid=code-card] canvas');
      assert.equal(await page.evaluate('window.innerWidth'), 195);
      await page.screenshot({ path: join(SCREENS, `resident-code-zoom-200.${lang}.png`) });
      const [qr, countdown, topbar, tabbar] = [await box(page, '.qr-frame'), await box(page, '[data-testid=countdown]'), await box(page, '.topbar'), await box(page, '.tabbar')];
      assert.equal(intersects(qr, tabbar), false, `the QR ${JSON.stringify(qr)} meets the tab bar ${JSON.stringify(tabbar)}`);
      assertBetweenBars(qr, topbar, tabbar, 'the QR');
      assertBetweenBars(countdown, topbar, tabbar, 'the countdown');
      // Still a code a scanner can read: the QR keeps its square and a usable size.
      assert.ok(Math.abs(qr.width - qr.height) < 2 && qr.width >= 120, `the QR is ${qr.width}×${qr.height}`);
      // Everything below (why, scan a place, travel card) is reached by scrolling, and ends above the tab bar.
      await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
      const last = await box(page, '[data-testid=travel-card-link]');
      assert.equal(intersects(last, await box(page, '.tabbar')), false, 'the last button ends under the tab bar');
      await page.screenshot({ path: join(SCREENS, `resident-code-zoom-200-scrolled.${lang}.png`) });
      await assertAccessible(page, `resident-code-zoom-200.${lang}`);
      await context.close();
    });
  }
});
