import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible } from '../support/axe.js';
import { OLIVER_BROWN, withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

/**
 * Keyboard only (Tab, Enter and typing): where the focus is after each step, read from
 * document.activeElement. A screen that replaces the one the focus was on hands it to its heading;
 * a region picked hands it to the next field; the console's first Tab stop skips to the content.
 */

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const LANGS = ['zh-CN', 'en'] as const;
type Lang = (typeof LANGS)[number];
const RESIDENTS = { 'zh-CN': { person: ZHANG_WEI, e164: '+8613912345678' }, en: { person: OLIVER_BROWN, e164: '+447911123456' } };
const say = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

interface Focused {
  tag: string;
  name: string | null;
  text: string;
  inMain: boolean;
  inNav: boolean;
  isMainHeading: boolean;
}

/** Read in the page: the heading of the screen has the focus. (A string: the tests are compiled without the DOM's types.) */
const HEADING_FOCUSED = "document.activeElement !== null && document.activeElement === document.querySelector('main h2')";

/** The little of the page's document the waits below read (the tests are compiled without the DOM's types). */
interface PageDocument {
  activeElement: { getAttribute(name: string): string | null } | null;
  querySelector(selector: string): unknown;
}

/** What has the focus now, as the test reads it. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(`(() => {
    const active = document.activeElement;
    return {
      tag: active ? active.tagName.toLowerCase() : 'none',
      name: active ? active.getAttribute('name') : null,
      text: ((active && active.textContent) || '').trim(),
      inMain: !!(active && active.closest('main')),
      inNav: !!(active && active.closest('nav')),
      isMainHeading: ${HEADING_FOCUSED},
    };
  })()`);
}

/** The focus is on an element matching `selector`. */
const focusOn = (page: Page, selector: string): Promise<boolean> => page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`);

/** Presses Tab until the focus is on `selector`, as a person tabbing through the page would; fails past `most` presses. */
async function tabTo(page: Page, selector: string, most = 20): Promise<number> {
  for (let presses = 1; presses <= most; presses++) {
    await page.keyboard.press('Tab');
    if (await focusOn(page, selector)) return presses;
  }
  assert.fail(`${selector} was not reached in ${most} presses of Tab; the focus is on ${JSON.stringify(await focused(page))}`);
}

/** Waits until the new screen's heading has the focus, and returns what has it. */
/**
 * The focused element once it is the field named `name`, or whatever holds the focus after 10 s: an
 * app moves the focus in an effect after it renders, so a check made at once may run before it.
 */
async function fieldFocused(page: Page, name: string): Promise<Focused> {
  await page
    .waitForFunction(
      (wanted) => {
        const { document } = globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } };
        return document.activeElement?.getAttribute('name') === wanted;
      },
      name,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  return focused(page);
}

async function headingFocused(page: Page): Promise<Focused> {
  // A function, not a string: the apps' content security policy forbids eval, which a string wait needs.
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as { document: PageDocument };
      return document.activeElement !== null && document.activeElement === document.querySelector('main h2');
    },
    undefined,
    { timeout: 10_000 },
  );
  return focused(page);
}

describe('the keyboard alone, with the focus followed', () => {
  let server: WebServer;
  let browser: Browser;
  let authorityToken: string;
  let venueToken: string;
  let deviceToken: string;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    const s = server.services;
    for (const { person } of Object.values(RESIDENTS)) await s.residents.register(person);
    authorityToken = (await s.staff.create('杭州市疾控中心 王主任', 'authority')).token;
    const venueStaff = await s.staff.create('西溪印象城 物业', 'venue');
    venueToken = venueStaff.token;
    const venue = await s.venues.registerVenue(
      { name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' },
      { id: venueStaff.id, name: '西溪印象城 物业', role: 'venue', region: null },
    );
    deviceToken = (await s.venues.registerCheckpointDevice(venue.id, '北门 1 号闸机')).token;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function contextFor(lang: Lang, size: typeof PHONE | typeof DESKTOP): Promise<BrowserContext> {
    const context = await browser.newContext({ ...size, locale: lang, permissions: ['camera'] });
    await seedStorage(context, { 'healthcode.lang': lang });
    return context;
  }

  for (const lang of LANGS) {
    it(`signs a resident in and hands the focus to the code's heading, then on into the code, in ${lang}`, { timeout: 60_000 }, async () => {
      const { person, e164 } = RESIDENTS[lang];
      const context = await contextFor(lang, PHONE);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/sign-in`);
      assert.equal((await headingFocused(page)).text, say(lang, '登录', 'Sign in'));
      await page.keyboard.press('Tab');
      assert.equal((await fieldFocused(page, 'phone')).name, 'phone');
      await page.keyboard.type(person.phone!);
      await page.keyboard.press('Enter');
      await page.waitForSelector('input[name=code]');
      await page.keyboard.press('Tab');
      assert.equal((await fieldFocused(page, 'code')).name, 'code', 'Tab goes from the phone to the code that was sent to it');
      const [sms] = await server.ctx.stores.outbox.list(1, e164);
      await page.keyboard.type(/\b(\d{6})\b/.exec(sms!.body)![1]!);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=code-card]');
      const heading = await headingFocused(page);
      assert.equal(heading.text, say(lang, '我的健康码', 'My health code'));
      assert.ok((await page.title()).startsWith(heading.text), await page.title());
      // The next Tab goes on inside the code, not back to the top of the page.
      await page.keyboard.press('Tab');
      const next = await focused(page);
      assert.ok(next.inMain && !next.inNav, `after the heading, Tab reached ${JSON.stringify(next)}`);
      assert.equal(await focusOn(page, '[data-testid=code-card] *'), true, 'the focus is inside the code');
      await context.close();
    });

    it(`hands the focus to the next field once a region is picked with Enter, in ${lang}`, { timeout: 60_000 }, async () => {
      const context = await contextFor(lang, PHONE);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/register`);
      await headingFocused(page);
      await tabTo(page, 'input[name=name]');
      await page.keyboard.type('周桂芳');
      await tabTo(page, 'input[name=idNumber]');
      await page.keyboard.type(withCheck('33011019520304001'));
      await tabTo(page, '.region-picker input[role=combobox]');
      await page.keyboard.type(say(lang, '余杭', 'Yuhang'));
      await page.waitForSelector('.region-options [role=option]');
      await page.keyboard.press('Enter');
      await page.locator('.region-chosen', { hasText: '330110' }).waitFor();
      assert.equal((await fieldFocused(page, 'addressDetail')).name, 'addressDetail', 'the focus went on to the address');
      await page.keyboard.type('五常街道联胜路 12 号');
      await page.screenshot({ path: join(SCREENS, `resident-register-region-picked.${lang}.png`), fullPage: true });
      // Changing it brings the field back, with the focus in it.
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
      assert.equal((await focused(page)).text, say(lang, '更改', 'Change'));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (globalThis as unknown as { document: PageDocument }).document.activeElement?.getAttribute('role') === 'combobox', undefined, { timeout: 5_000 });
      await context.close();
    });

    it(`skips to the console's content first, signs an officer in to the heading, and picks a risk area's region by keyboard, in ${lang}`, { timeout: 90_000 }, async () => {
      const context = await contextFor(lang, DESKTOP);
      const page = await context.newPage();
      await page.goto(`${server.url}/console/`);
      // The first Tab stop is the skip link, shown where it can be seen.
      await page.keyboard.press('Tab');
      const skip = await focused(page);
      assert.equal(skip.text, say(lang, '跳到正文', 'Skip to content'));
      const shown = await page.locator('.skip-link').boundingBox();
      assert.ok(shown && shown.y >= 0 && shown.x >= 0 && shown.width > 0, `the skip link is off screen: ${JSON.stringify(shown)}`);
      await page.screenshot({ path: join(SCREENS, `console-skip-link.${lang}.png`) });
      await assertAccessible(page, `console-skip-link.${lang}`);
      // Signing in: the credential, Enter, and the focus is on the dashboard's heading.
      await tabTo(page, 'input[name=credential]');
      await page.keyboard.type(authorityToken);
      await page.keyboard.press('Enter');
      await page.waitForSelector('nav.sections');
      const heading = await headingFocused(page);
      assert.ok(heading.isMainHeading && heading.text.length > 0, JSON.stringify(heading));
      // Opened again at the console's address: Tab, Enter on the skip link, and the focus is past the sections.
      await page.goto(`${server.url}/console/`);
      await page.waitForSelector('nav.sections');
      // The dashboard's figures arrive after the sections: skipping before they land raced their render.
      await page.waitForLoadState('networkidle');
      await page.keyboard.press('Tab');
      assert.equal((await focused(page)).text, say(lang, '跳到正文', 'Skip to content'));
      await page.keyboard.press('Enter');
      assert.equal((await focused(page)).isMainHeading, true);
      assert.equal(await page.evaluate('location.hash'), '', 'the skip link leaves the address as it was');
      await page.keyboard.press('Tab');
      const after = await focused(page);
      assert.ok(after.inMain && !after.inNav, `Tab after skipping reached ${JSON.stringify(after)}`);
      // To the risk areas by their section link, then a region picked: the focus goes on to the level.
      await tabTo(page, 'a[data-section=risk-areas]', 40);
      await page.keyboard.press('Enter');
      assert.equal((await headingFocused(page)).text, say(lang, '设定或更新风险地区', 'List or update a risk area'));
      await tabTo(page, '.region-picker input[role=combobox]');
      await page.keyboard.type(say(lang, '武昌', 'Wuchang'));
      await page.locator('.region-options [role=option]', { hasText: '420106' }).waitFor();
      // Wuchang District of Wuhan, wherever it is in the list: the arrows go down to it.
      const options = await page.locator('.region-options [role=option]').allInnerTexts();
      for (let i = 0; i <= options.findIndex((o) => o.includes('420106')); i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.locator('.region-chosen', { hasText: '420106' }).waitFor();
      assert.equal((await fieldFocused(page, 'level')).name, 'level', 'the focus went on to the level');
      await context.close();
    });

    it(`signs a venue operator in and hands the focus to the first heading of the venue screen, in ${lang}`, { timeout: 60_000 }, async () => {
      const context = await contextFor(lang, PHONE);
      const page = await context.newPage();
      await page.goto(`${server.url}/venue/`);
      await tabTo(page, 'input[name=credential]');
      await page.keyboard.type(venueToken);
      await page.keyboard.press('Enter');
      assert.equal((await headingFocused(page)).text, say(lang, '登记场所', 'Register a venue'));
      await context.close();
    });

    it(`connects a checkpoint by its credential and hands the focus to the scanning screen's heading, in ${lang}`, { timeout: 60_000 }, async () => {
      const context = await contextFor(lang, PHONE);
      const page = await context.newPage();
      await page.goto(`${server.url}/scanner/`);
      await tabTo(page, 'input[name=credential]');
      await page.keyboard.type(deviceToken);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid=scanner-status]');
      assert.equal((await headingFocused(page)).text, say(lang, '扫码查验', 'Scan codes'));
      await context.close();
    });
  }
});
