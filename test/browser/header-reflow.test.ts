import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const LANGS = ['zh-CN', 'zh-Hant', 'en'] as const;
/** The next language round the switch: the one the test taps. */
const NEXT: Record<(typeof LANGS)[number], (typeof LANGS)[number]> = { 'zh-CN': 'zh-Hant', 'zh-Hant': 'en', en: 'zh-CN' };

/**
 * Page zoom at 200% halves the CSS pixels a layout gets: a 1280×800 screen becomes 640×400, a
 * 390-pixel phone 195. WCAG 1.4.10 (reflow): nothing in the header, the language switch above
 * all, may need scrolling sideways to reach.
 */
const ZOOMED = [
  { name: 'desktop-200', viewport: { width: 640, height: 400 } },
  { name: 'phone-200', viewport: { width: 195, height: 422 } },
] as const;

describe('every app\'s header at 200% zoom keeps the language switch on screen', () => {
  let server: WebServer;
  let browser: Browser;
  const apps: { app: string; path: string; saved: Record<string, string>; elder?: boolean }[] = [];

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const s = server.services;
    const credential = async (name: string, role: 'authority' | 'venue') => {
      const created = await s.staff.create(name, role);
      return JSON.stringify({ token: created.token, id: created.id, name, role, region: null });
    };
    await s.residents.register(ZHANG_WEI);
    await s.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, '+8613912345678');
    const session = JSON.stringify(asTheAppKeepsIt(await s.signIn.verifySignInCode(ZHANG_WEI.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!)));
    const elderOn = JSON.stringify({ on: true, familyPhone: null });
    apps.push(
      { app: 'portal', path: '/', saved: {} },
      { app: 'resident-sign-in', path: '/resident/', saved: {} },
      { app: 'resident-sign-in-elder', path: '/resident/', saved: { 'healthcode.resident.elder': elderOn }, elder: true },
      { app: 'resident-code', path: '/resident/#/code', saved: { 'healthcode.resident.session': session } },
      { app: 'resident-code-elder', path: '/resident/#/code', saved: { 'healthcode.resident.session': session, 'healthcode.resident.elder': elderOn }, elder: true },
      { app: 'scanner', path: '/scanner/', saved: {} },
      { app: 'venue', path: '/venue/', saved: { 'healthcode.venue.staff': await credential('西溪印象城 物业', 'venue') } },
      { app: 'console', path: '/console/', saved: { 'healthcode.console.staff': await credential('余杭区疾控中心', 'authority') } },
    );
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const zoomed of ZOOMED) {
    for (const lang of LANGS) {
      it(`reaches and taps the language switch in every app at ${zoomed.name}, starting in ${lang}`, { timeout: 180_000 }, async () => {
        for (const { app, path, saved, elder } of apps) {
          const context = await browser.newContext({ viewport: zoomed.viewport, deviceScaleFactor: 2, locale: lang, timezoneId: 'Asia/Shanghai' });
          const entries = [['healthcode.lang', lang], ...Object.entries(saved)];
          await seedStorage(context, entries);
          const page = await context.newPage();
          await page.goto(`${server.url}${path}`);
          const next = page.locator(`.topbar .lang-switch button[data-lang="${NEXT[lang]}"]`);
          await next.waitFor();
          assert.equal(await page.evaluate("document.documentElement.classList.contains('elder')"), elder === true, `${app}: elder mode as set`);
          const width = (await page.evaluate('window.innerWidth')) as number;
          assert.equal(width, zoomed.viewport.width);
          for (const button of await page.locator('.topbar .lang-switch button').all()) {
            const b = await button.boundingBox();
            assert.ok(b && b.x >= 0 && b.x + b.width <= width + 0.5, `${app} in ${lang} at ${zoomed.name}: the switch's ${await button.textContent()} lies at ${JSON.stringify(b)}, off a screen ${width} wide`);
          }
          const header = (await page.evaluate("({ scroll: document.querySelector('.topbar').scrollWidth, client: document.querySelector('.topbar').clientWidth })")) as { scroll: number; client: number };
          assert.ok(header.scroll <= header.client, `${app} in ${lang} at ${zoomed.name}: the header is ${header.scroll} wide in ${header.client}`);
          // The console's sections wrap too: none is hidden past the edge, Paper cards last among them.
          for (const section of await page.locator('nav.sections a').all()) {
            const b = await section.boundingBox();
            assert.ok(b && b.x >= 0 && b.x + b.width <= width + 0.5, `${app} in ${lang} at ${zoomed.name}: the section ${await section.textContent()} lies at ${JSON.stringify(b)}, off a screen ${width} wide`);
          }
          if (zoomed.name === 'phone-200') await page.screenshot({ path: join(SCREENS, `header-${app}-zoom-200.${lang}.png`) });
          // Reached is not enough: a tap there changes the language.
          await next.click();
          // A selector, not a string predicate: polling a string needs eval, which the apps' CSP refuses.
          await page.locator(`html[lang="${NEXT[lang]}"]`).waitFor({ state: 'attached' });
          await context.close();
        }
      });
    }
  }

  for (const lang of LANGS) {
    it(`shows every app's title whole on a 390-pixel phone, the header's actions wrapping below it (${lang})`, { timeout: 180_000 }, async () => {
      for (const { app, path, saved } of apps) {
        const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: lang, timezoneId: 'Asia/Shanghai' });
        await seedStorage(context, [['healthcode.lang', lang], ...Object.entries(saved)]);
        const page = await context.newPage();
        await page.goto(`${server.url}${path}`);
        await page.locator('.topbar h1').waitFor();
        // Cut with an ellipsis, a title is wider than the box it is shown in ("Hea…" for "Health code").
        const title = (await page.evaluate("({ text: document.querySelector('.topbar h1').textContent, scroll: document.querySelector('.topbar h1').scrollWidth, client: document.querySelector('.topbar h1').clientWidth })")) as { text: string; scroll: number; client: number };
        assert.ok(title.text.length > 0, `${app} in ${lang}: a title`);
        assert.ok(title.scroll <= title.client, `${app} in ${lang}: the title "${title.text}" needs ${title.scroll} pixels and is shown in ${title.client}`);
        if (app === 'resident-sign-in') await page.screenshot({ path: join(SCREENS, `header-${app}-390.${lang}.png`) });
        await context.close();
      }
    });
  }
});
