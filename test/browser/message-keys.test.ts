import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DAY_MS } from '../../src/domain/clock.js';
import { LANGUAGES, MESSAGES } from '../../web/src/shared/messages.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { GRANDMA_ZHANG, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const KEYS = new Set(Object.keys(MESSAGES.en));
/** The first part of every key (`problem`, `action`, `elder`...): a key made at run time without a message shows as itself. */
const KEY_HEADS = new Set([...KEYS].map((k) => k.split('.')[0]));

/** Words on screen shaped like a message key (`nav.code`, `problem.some-type`) whose head is a key's head. */
function bareKeys(text: string): string[] {
  return [...text.matchAll(/\b([a-zA-Z]+)\.[a-zA-Z][\w-]*(\.[\w-]+)*\b/g)].map((m) => m[0]).filter((word) => KEYS.has(word) || KEY_HEADS.has(word.split('.')[0]!));
}

const RESIDENT_SIGNED_OUT = ['sign-in', 'register', 'visitor'];
const RESIDENT_SIGNED_IN = ['code', 'why', 'rules', 'visit', 'travel', 'declare', 'check-in', 'household', 'data', 'access', 'appeal'];
const CONSOLE = ['dashboard', 'risk-areas', 'imports', 'traces', 'rules', 'appeals', 'corrections', 'reclaims', 'audit'];
/** The resident's main screens, photographed in every language. */
const SHOT = new Set(['sign-in', 'code', 'declare', 'household', 'data']);

describe('no screen shows a bare message key, in any language', () => {
  let server: WebServer;
  let browser: Browser;
  let session: unknown;
  let authority: unknown;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const s = server.services;
    const zhang = await s.residents.register(ZHANG_WEI);
    await s.residents.addDependent(zhang.id, { ...GRANDMA_ZHANG, relationship: 'parent' });
    const now = Date.now();
    await s.declarations.declare(zhang.id, { stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.6 });
    await s.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    await s.appeals.file(zhang.id, '我 11 月 17 日离开武昌，当时武汉尚未列为高风险地区，请核实。');
    await s.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, '+8613912345678');
    session = asTheAppKeepsIt(await s.signIn.verifySignInCode(ZHANG_WEI.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
    const created = await s.staff.create('杭州市疾控中心 王主任', 'authority');
    authority = { token: created.token, id: created.id, name: '杭州市疾控中心 王主任', role: 'authority', region: null };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function contextFor(lang: string, saved: Record<string, unknown>): Promise<BrowserContext> {
    const context = await browser.newContext({ ...PHONE, locale: lang });
    const entries = Object.entries({ 'healthcode.lang': lang, ...saved }).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
    await seedStorage(context, entries);
    return context;
  }

  /** Opens a screen, waits until it has stopped loading, and returns the bare keys it shows. */
  async function visit(page: Page, url: string, lang: keyof typeof MESSAGES): Promise<string[]> {
    await page.goto(url);
    await page.waitForSelector('main h2, main h3, main .card, main form');
    const loading = page.getByText(MESSAGES[lang]['common.loading'], { exact: true });
    while ((await loading.count()) > 0) await loading.first().waitFor({ state: 'detached', timeout: 15_000 });
    return bareKeys(await page.locator('body').innerText());
  }

  for (const { code: lang } of LANGUAGES) {
    it(`words every resident screen, signed out and in, in ${lang}`, { timeout: 120_000 }, async () => {
      const shown: Record<string, string[]> = {};
      const out = await (await contextFor(lang, {})).newPage();
      for (const route of RESIDENT_SIGNED_OUT) {
        shown[route] = await visit(out, `${server.url}/resident/#/${route}`, lang);
        if (SHOT.has(route)) await out.screenshot({ path: join(SCREENS, `lang-resident-${route}.${lang}.png`), fullPage: true });
      }
      const page = await (await contextFor(lang, { 'healthcode.resident.session': session })).newPage();
      for (const route of RESIDENT_SIGNED_IN) {
        shown[route] = await visit(page, `${server.url}/resident/#/${route}`, lang);
        if (route === 'code') await page.waitForSelector('[data-testid=code-card] canvas');
        if (SHOT.has(route)) await page.screenshot({ path: join(SCREENS, `lang-resident-${route}.${lang}.png`), fullPage: true });
        // Deleting the account says deleting, in every language (Traditional once said "log out").
        if (route === 'data') {
          assert.equal(await page.getByRole('button', { name: { en: 'Delete my account', 'zh-CN': '注销账户', 'zh-Hant': '刪除帳戶' }[lang], exact: true }).count(), 1);
          assert.doesNotMatch(await page.locator('main').innerText(), /登出帳戶/);
        }
      }
      // "Why" is reached from the code, as a resident reaches it.
      await page.goto(`${server.url}/resident/#/code`);
      await page.getByRole('button', { name: MESSAGES[lang]['code.why'] }).click();
      await page.waitForSelector('.evidence, .fact, main h2');
      shown['why (from the code)'] = bareKeys(await page.locator('body').innerText());
      // The rules it was decided by are named as a person names the place, not by their code ("CN", "330110").
      const decidedBy = await page.locator('main p', { hasText: MESSAGES[lang]['why.readRules'] }).innerText();
      assert.doesNotMatch(decidedBy, /\bCN\b|\d{6}/, decidedBy);
      assert.deepEqual(Object.entries(shown).filter(([, keys]) => keys.length > 0), []);
      assert.equal(await page.evaluate('document.documentElement.lang'), lang);
    });

    it(`words the scanner, the venue page and every console section in ${lang}`, { timeout: 120_000 }, async () => {
      const shown: Record<string, string[]> = {};
      const page = await (await contextFor(lang, { 'healthcode.console.staff': authority })).newPage();
      shown.scanner = await visit(page, `${server.url}/scanner/`, lang);
      shown.venue = await visit(page, `${server.url}/venue/`, lang);
      for (const section of CONSOLE) shown[`console ${section}`] = await visit(page, `${server.url}/console/#/${section}`, lang);
      assert.deepEqual(Object.entries(shown).filter(([, keys]) => keys.length > 0), []);
    });
  }

  it('opens in Traditional Chinese for a browser set to Hong Kong Chinese, and keeps the language the resident then taps', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'zh-HK' });
    const page = await context.newPage();
    await page.goto(`${server.url}/resident/#/sign-in`);
    await page.getByRole('heading', { name: MESSAGES['zh-Hant']['signIn.title'] }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'zh-Hant');
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: MESSAGES.en['signIn.title'] }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: MESSAGES.en['signIn.title'] }).waitFor();
    await page.getByRole('button', { name: '繁體' }).click();
    await page.getByRole('button', { name: MESSAGES['zh-Hant']['signIn.sendCode'] }).waitFor();
    assert.equal(await page.getByRole('button', { name: '繁體' }).getAttribute('aria-pressed'), 'true');
    await context.close();
  });

  it('finds a bare key when one is shown, so the walk above can fail', () => {
    assert.deepEqual(bareKeys('健康碼 nav.code 12.5 problem.some-new-type example.com'), ['nav.code', 'problem.some-new-type']);
  });
});
