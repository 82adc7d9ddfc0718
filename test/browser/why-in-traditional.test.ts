import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { assertAccessible } from '../support/axe.js';
import { ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
/** What a resident who declared a cough reads under "why", in each language the app speaks. */
const REASON = {
  'zh-CN': { why: '为什么是这个颜色？', reason: '您申报了症状或发热（37.3°C 及以上）。' },
  'zh-Hant': { why: '為什麼是這個顏色？', reason: '您申報了症狀或發熱（37.3°C 及以上）。' },
  en: { why: 'Why this colour?', reason: 'You declared symptoms or a fever (37.3 °C or more).' },
} as const;

describe('why a code has its colour, in the reader\'s own script', () => {
  let server: WebServer;
  let browser: Browser;
  let session: unknown;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const zhang = await server.services.residents.register(ZHANG_WEI, { phoneVerifiedAt: Date.now() });
    await server.services.declarations.declare(zhang.id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.8 });
    session = asTheAppKeepsIt(await server.services.signIn.sessionFor(zhang.id, Date.now()));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-Hant', 'zh-CN', 'en'] as const) {
    it(`taps "why" on a yellow code and reads the rule's reason and how it clears in ${lang}`, { timeout: 120_000 }, async () => {
      const context = await browser.newContext({ ...PHONE, locale: lang });
      const saved = [['healthcode.lang', lang], ['healthcode.resident.session', JSON.stringify(session)]];
      await context.addInitScript({ content: `for (const [k, v] of ${JSON.stringify(saved)}) localStorage.setItem(k, v);` });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.getByText(REASON[lang].why).click();
      await page.getByText(REASON[lang].reason).waitFor();
      const shown = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      if (lang === 'zh-Hant') {
        // Nothing the server said reaches a Traditional reader in Simplified Chinese: none of the
        // Simplified-only forms of characters its rules use (the masked name is the person's own).
        assert.doesNotMatch(shown, /[这为报状无发应后时证请离检测关]/, shown);
      }
      await page.screenshot({ path: join(SCREENS, `resident-why-server-texts.${lang}.png`), fullPage: true });
      await assertAccessible(page, `resident-why-server-texts.${lang}`);
      await context.close();
    });
  }
});
