import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DAY_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { assertAccessible } from '../support/axe.js';
import { withCheck } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

/**
 * The gate's full-screen verdict in each colour a code can have, read by a guard at arm's length:
 * the word, the shape and the colour, every text on its fill at WCAG AA (the green one was 4.42:1).
 */

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const resident = (name: string, first17: string, phone: string): RegistrationInput => ({ name, idType: 'resident_id', idNumber: withCheck(first17), phone, address: { region: '330110', detail: '五常街道联胜路 8 号 1 幢 101 室' } });
/** One resident per colour: a clean declaration, a cough, a stay in a high-risk district, none. */
const BY_COLOUR = {
  green: resident('赵丽华', '33011019850612002', '13700010001'),
  yellow: resident('钱志明', '33011019790304003', '13700010002'),
  red: resident('孙建军', '33011019680925005', '13700010003'),
  gray: resident('李秀珍', '33011019900117006', '13700010004'),
};
const WORDS = { green: ['绿码', 'Green'], yellow: ['黄码', 'Yellow'], red: ['红码', 'Red'], gray: ['灰码', 'Gray'] } as const;

describe("the scanner's verdict in every colour", () => {
  let server: WebServer;
  let browser: Browser;
  let deviceToken: string;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    const s = server.services;
    const now = Date.now();
    const ids = Object.fromEntries(await Promise.all(Object.entries(BY_COLOUR).map(async ([colour, person]) => [colour, (await s.residents.register(person)).id])));
    await s.declarations.declare(ids.green!, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
    await s.declarations.declare(ids.yellow!, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 36.8 });
    await s.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    await s.declarations.declare(ids.red!, { stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.5 });
    const operator = await s.staff.create('西溪印象城 物业', 'venue');
    const venue = await s.venues.registerVenue(
      { name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' },
      { id: operator.id, name: '西溪印象城 物业', role: 'venue', region: null },
    );
    deviceToken = (await s.venues.registerCheckpointDevice(venue.id, '北门 1 号闸机')).token;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`shows each colour's verdict with its word, readable at AA, in ${lang}`, { timeout: 120_000 }, async () => {
      const context = await browser.newContext({ ...PHONE, locale: lang, permissions: ['camera'] });
      await seedStorage(context, { 'healthcode.lang': lang });
      const page = await context.newPage();
      await page.goto(`${server.url}/scanner/`);
      await page.fill('input[name=credential]', deviceToken);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=scanner-status]');
      for (const [colour, person] of Object.entries(BY_COLOUR) as [keyof typeof BY_COLOUR, RegistrationInput][]) {
        await page.click('button.secondary.wide');
        await page.fill('input[name=idNumber]', person.idNumber);
        await page.click('button[type=submit]');
        const verdict = page.locator('[data-testid=scan-result]');
        await verdict.waitFor();
        assert.equal(await verdict.getAttribute('data-colour'), colour);
        assert.match(await verdict.innerText(), new RegExp(WORDS[colour][lang === 'en' ? 1 : 0]));
        await assertAccessible(page, `scanner-verdict-${colour}.${lang}`);
        await page.screenshot({ path: join(SCREENS, `scanner-verdict-${colour}.${lang}.png`) });
        await page.keyboard.press('Escape');
        await verdict.waitFor({ state: 'detached' });
        // Closed by the keyboard, it gives the focus back to the scanning screen, not to the top of the page.
        await page.waitForFunction(
          () => {
            // Typed loosely: the tests are compiled without the DOM's types (and the apps' CSP forbids a string wait's eval).
            const { document } = globalThis as unknown as { document: { activeElement: unknown; querySelector(selector: string): unknown } };
            return document.activeElement !== null && document.activeElement === document.querySelector('main h2');
          },
          undefined,
          { timeout: 5_000 },
        );
        assert.equal(await page.evaluate('document.activeElement.textContent'), lang === 'en' ? 'Scan codes' : '扫码查验', `after the ${colour} verdict`);
      }
      await context.close();
    });
  }
});
