import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { assertAccessible } from '../support/axe.js';
import { seedStorage } from '../support/browser-storage.js';
import { CHAN_MEI_LING, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
/** A calendar day `daysAgo` days before today in Beijing, as a date input holds it. */
const beijingDate = (daysAgo: number) => new Date(Date.now() + 8 * HOUR_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);
const PEOPLE: Record<'zh-CN' | 'zh-Hant' | 'en', RegistrationInput> = { 'zh-CN': ZHANG_WEI, 'zh-Hant': CHAN_MEI_LING, en: OLIVER_BROWN };

describe('a contact declared on a day reads as that day', () => {
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

  for (const lang of ['zh-CN', 'zh-Hant', 'en'] as const) {
    const m = MESSAGES[lang];
    it(`declares contact with a confirmed case two days ago and reads under "why" the day, with no time of day (${lang})`, { timeout: 120_000 }, async () => {
      const { id } = await server.services.residents.register(PEOPLE[lang], { phoneVerifiedAt: Date.now() });
      const context = await browser.newContext({ ...PHONE, locale: lang });
      await seedStorage(context, [['healthcode.lang', lang], ['healthcode.resident.session', JSON.stringify(asTheAppKeepsIt(await server.services.signIn.sessionFor(id, Date.now())))]]);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/declare`);
      await page.click(`button:has-text("${m['declare.addContact']}")`);
      // Both of the contact's fields are named, as a screen reader reads them.
      await page.getByLabel(m['declare.contactKind']).selectOption('confirmed');
      const day = beijingDate(2);
      await page.getByLabel(m['declare.contactDate']).fill(day);
      await page.fill('input[name=temperature]', '36.6');
      await assertAccessible(page, `declare-contact.${lang}`);
      await page.screenshot({ path: join(SCREENS, `resident-declare-contact.${lang}.png`), fullPage: true });
      await page.click(`button:has-text("${m['declare.submit']}")`);

      const card = page.locator('[data-testid=code-card]');
      await card.waitFor();
      assert.notEqual(await card.getAttribute('data-colour'), 'green', 'contact with a confirmed case is not green');
      await page.getByText(m['code.why']).click();
      const line = page.locator('ul.evidence li', { hasText: m['fact.contact.confirmed'] });
      await line.waitFor();
      const text = (await line.innerText()).replace(/\s+/g, ' ');
      // The day she gave, in her language's own words for it, and no hour she never gave.
      const shownDay = await page.evaluate(([d, l]) => new Intl.DateTimeFormat(l, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(new Date(`${d}T12:00:00+08:00`)), [day, lang] as const);
      assert.ok(text.includes(shownDay), `${text} does not name ${shownDay}`);
      assert.doesNotMatch(text, /\d{1,2}:\d{2}|上午|下午|AM|PM/, text);
      await page.screenshot({ path: join(SCREENS, `resident-why-declared-contact.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
