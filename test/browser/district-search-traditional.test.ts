import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedStorage } from '../support/browser-storage.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };

describe('a resident registering finds their district in the script they type', () => {
  let server: WebServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer({ port: 43601 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The options the registration's district picker offers for `typed`, in an app reading `lang`. */
  async function offered(lang: 'zh-Hant' | 'zh-CN', typed: string, shot?: string): Promise<string[]> {
    const context = await browser.newContext({ ...PHONE, locale: lang });
    await seedStorage(context, { 'healthcode.lang': lang });
    const page: Page = await context.newPage();
    await page.goto(`${server.url}/resident/#/register`);
    await page.fill('.region-picker input[role=combobox]', typed);
    await page.locator('.region-options [role=option]').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    const options = await page.locator('.region-options [role=option]').allInnerTexts();
    if (shot) await page.screenshot({ path: join(SCREENS, shot), fullPage: true });
    await context.close();
    return options.map((o) => o.replace(/\s+/g, ' ').trim());
  }

  for (const typed of ['餘杭', '余杭']) {
    it(`offers 浙江省 杭州市 餘杭區 first to a 繁體 reader who types ${typed}`, { timeout: 60_000 }, async () => {
      const options = await offered('zh-Hant', typed, `resident-register-district-${typed}.zh-Hant.png`);
      assert.equal(options[0], '浙江省 杭州市 餘杭區 330110');
    });
  }

  it('offers 浙江省 杭州市 余杭区 first to a 简体 reader who types 余杭, as before', { timeout: 60_000 }, async () => {
    const options = await offered('zh-CN', '余杭', 'resident-register-district-余杭.zh-CN.png');
    assert.equal(options[0], '浙江省 杭州市 余杭区 330110');
  });
});
