import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clearingOf, clearingText } from '../../src/domain/rules/clearing.js';
import type { Rule } from '../../src/domain/rules/rule-set.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { assertAccessible } from '../support/axe.js';
import { ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
/** What a resident who declared a cough reads under "why" (and the link to the rules), in each language the app speaks. */
const REASON = {
  'zh-CN': { why: '为什么是这个颜色？', reason: '您申报了症状或发热（37.3°C 及以上）。', readRules: '查看规则' },
  'zh-Hant': { why: '為什麼是這個顏色？', reason: '您申報了症狀或發熱（37.3°C 及以上）。', readRules: '檢視規則' },
  en: { why: 'Why this colour?', reason: 'You declared symptoms or a fever (37.3 °C or more).', readRules: 'Read the rules' },
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
      await seedStorage(context, saved);
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

  for (const lang of ['zh-Hant', 'zh-CN', 'en'] as const) {
    it(`goes from "why" to the public rules and reads when each rule clears in ${lang}`, { timeout: 120_000 }, async () => {
      const context = await browser.newContext({ ...PHONE, locale: lang });
      const saved = [['healthcode.lang', lang], ['healthcode.resident.session', JSON.stringify(session)]];
      await seedStorage(context, saved);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.getByText(REASON[lang].why).click();
      await page.getByText(REASON[lang].readRules).click();
      await page.locator('article.rule p.clears').first().waitFor();
      // The words the engine's outcome gives each rule, read from the same rules the page links to.
      const json = await page.locator('a[href^="/api/v1/rules/effective"]').getAttribute('href');
      const published = ((await (await page.request.get(`${server.url}${json}`)).json()) as { rules: Rule[] }).rules;
      const shown = await page.locator('article.rule').evaluateAll((articles) =>
        articles.map((a) => {
          const line = a.querySelector('p.clears')!;
          return { id: a.getAttribute('data-rule')!, clears: line.textContent!.slice(line.querySelector('strong')!.textContent!.length).trim() };
        }),
      );
      assert.deepEqual(shown.map((r) => r.id), published.map((r) => r.id));
      for (const { id, clears } of shown) {
        const words = clearingText(clearingOf(published.find((r) => r.id === id)!.outcome));
        // In Simplified Chinese and English, exactly the words the page has always made itself.
        assert.equal(clears, lang === 'zh-Hant' ? toTraditional(words['zh-CN']) : words[lang], id);
        if (lang === 'zh-Hant') assert.doesNotMatch(clears, /[这为状无发应后时证请离检测关须办触满续员]/, `${id}: ${clears}`);
      }
      await page.screenshot({ path: join(SCREENS, `resident-rules-clears.${lang}.png`), fullPage: true });
      await assertAccessible(page, `resident-rules-clears.${lang}`);
      await context.close();
    });
  }
});
