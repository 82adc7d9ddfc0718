import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { assertAccessible } from '../support/axe.js';
import { writeQrSequence, writeQrVideo } from '../support/fake-camera.js';
import { cardText, readCardQr, renderCardPage } from '../support/paper-card-pdf.js';
import { GRANDMA_ZHANG, OLIVER_BROWN, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = process.env.HEALTHCODE_SHOTS ?? join(process.cwd(), 'test-results', 'screens', 'paper-card');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai', acceptDownloads: true };
const LANGS = ['en', 'zh-CN'] as const;

/** A message key shown instead of its words (the paper card's own, and the scanner's reasons). */
const RAW_KEY = /\b(paperCard|reason|step|console|action|purpose)\.[a-zA-Z-]+\b/;

/** The screen read as a person would, and checked by axe: words, not keys, and no accessibility problem. */
async function looked(page: Page, screen: string): Promise<void> {
  assert.doesNotMatch((await page.textContent('body')) ?? '', RAW_KEY, screen);
  await assertAccessible(page, screen);
}

/** Clicks what starts a download and returns the file's bytes: the PDF the person prints. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await download.path())!);
}

describe('paper cards, in a real browser: printed at home and at a service point, admitted and refused at the gate', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;
  let grandma: string;
  let guardianSession: unknown;
  let card = '';
  let oliverCard = '';

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-paper-card-'));
    server = await startWebServer({ port: Number(process.env.HEALTHCODE_TEST_PORT ?? 0) });
    browser = await launchChromium();
    const s = server.services;
    const guardian = await s.residents.register(ZHANG_WEI, { phoneVerifiedAt: Date.now() });
    grandma = (await s.residents.addDependent(guardian.id, GRANDMA_ZHANG)).id;
    await s.declarations.declare(grandma, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    guardianSession = asTheAppKeepsIt(await s.signIn.sessionFor(guardian.id, Date.now()));
    // A visitor on a passport, yellow by his declaration: printed for at the service point.
    const oliver = await s.residents.register(OLIVER_BROWN, { phoneVerifiedAt: Date.now() });
    await s.declarations.declare(oliver.id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.9 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function residentApp(lang: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(PHONE);
    await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': guardianSession });
    const page = await context.newPage();
    await page.goto(`${server.url}/resident/#/household`);
    await page.click('[data-testid=open-paper-card]');
    await page.locator('[data-testid=paper-card-panel]').waitFor();
    return { context, page };
  }

  /** A scanner paired to a market gate whose camera sees the card, and the verdict it shows. */
  async function scanCard(name: string, offline = false, lang: (typeof LANGS)[number] = 'zh-CN', scanned = card): Promise<{ reason: string | null; text: string }> {
    const staff = await server.services.staff.create('良渚街道 市场管理处', 'venue');
    const venue = await server.services.venues.registerVenue({ name: '良渚文化村超市', type: 'supermarket', region: '330110', address: '良渚街道玉鸟路', latitude: 30.38, longitude: 120.03, operator: '良渚街道' }, { ...staff, role: 'venue' });
    const device = await server.services.venues.registerCheckpointDevice(venue.id, '入口');
    const video = join(work, `${name}.y4m`);
    // Offline, the card shows only after a blank spell: the scanner is offline before it can read it.
    if (offline) writeQrSequence([{ text: null, frames: 30 }, { text: scanned, frames: 5 }], video);
    else writeQrVideo(scanned, video);
    const camera = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const context = await camera.newContext({ ...PHONE, permissions: ['camera'] });
      await seedStorage(context, { 'healthcode.lang': lang });
      const gate = await context.newPage();
      await gate.goto(`${server.url}/scanner/`);
      await gate.fill('input[name=credential]', device.token);
      if (offline) {
        await gate.click('button[type=submit]');
        await gate.locator('[data-testid=scanner-status]').waitFor();
        await context.setOffline(true);
        await gate.evaluate("dispatchEvent(new Event('offline'))");
      } else {
        await gate.click('button[type=submit]');
      }
      const result = gate.locator('[data-testid=scan-result]');
      await result.waitFor({ timeout: 30_000 });
      await gate.screenshot({ path: join(SCREENS, `scanner-${name}.${lang}.png`), fullPage: true });
      await looked(gate, `scanner ${name} ${lang}`);
      return { reason: await result.getAttribute('data-reason'), text: (await result.textContent()) ?? '' };
    } finally {
      await camera.close();
    }
  }

  it("prints a household member's card from the household screen: a PDF whose QR is a card reference, not her ID number", { timeout: 120_000 }, async () => {
    for (const lang of LANGS) {
      const { context, page } = await residentApp(lang);
      // The print is held at the network until the busy button has been seen.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/v1/residents/*/paper-card', async (route) => (route.request().method() === 'POST' ? (await held, route.continue()) : route.continue()));
      const pdf = await downloaded(page, async () => {
        await page.click('[data-testid=print-card]');
        if (lang !== 'en') {
          // A card is live (printed in English): printing again asks first, saying the old one stops working.
          assert.match((await page.locator('.confirm').textContent()) ?? '', /此前打印的卡片将失效/);
          await page.screenshot({ path: join(SCREENS, `household-reprint-confirm.${lang}.png`), fullPage: true });
          await page.click('[data-testid=print-card-yes]');
        }
        await page.locator('[aria-busy=true]', { hasText: lang === 'en' ? 'Printing…' : '正在打印…' }).waitFor();
        release();
        await page.locator('[data-testid=card-pdf]').waitFor();
        await page.click('[data-testid=card-pdf]');
      });
      card = readCardQr(pdf);
      assert.match(card, /^HCCARD1:/);
      assert.ok(!card.includes(GRANDMA_ZHANG.idNumber));
      assert.match((await page.locator('[data-testid=card-status]').textContent()) ?? '', lang === 'en' ? /valid until/ : /有效至/);
      await page.screenshot({ path: join(SCREENS, `household-card.${lang}.png`), fullPage: true });
      await looked(page, `household paper card ${lang}`);
      if (lang === 'en') copyFileSync(renderCardPage(pdf, 110), join(SCREENS, 'card.png'));
      await context.close();
    }
    // Printed twice, once per language: the second revoked the first, so one card is live.
    assert.equal((await server.opened.store.db.selectFrom('paper_cards').selectAll().where('revoked_at', 'is', null).execute()).length, 1);
  });

  it('opens the live card again without cancelling it: the same card, still live', { timeout: 120_000 }, async () => {
    const { context, page } = await residentApp('zh-CN');
    const before = await page.locator('[data-testid=card-status]').textContent();
    const pdf = await downloaded(page, async () => {
      await page.click('[data-testid=card-again]');
      await page.locator('[data-testid=card-pdf]').waitFor();
      await page.click('[data-testid=card-pdf]');
    });
    assert.equal(readCardQr(pdf), card);
    assert.match((await page.locator('[data-testid=card-printed]').textContent()) ?? '', /没有作废此前的卡片/);
    assert.equal(await page.locator('[data-testid=card-status]').textContent(), before);
    await looked(page, 'household card again zh-CN');
    await context.close();
  });

  it('admits the card at a gate with her colour as decided now and her masked name', { timeout: 120_000 }, async () => {
    const { reason, text } = await scanCard('card-admitted');
    assert.equal(reason, 'allowed');
    assert.match(text, /张\*兰/);
  });

  it('says, offline, to scan the card again when the network is back: not a refusal, and nothing kept for later', { timeout: 120_000 }, async () => {
    for (const lang of LANGS) {
      const { reason, text } = await scanCard('card-offline', true, lang);
      assert.equal(reason, 'card-needs-network');
      if (lang === 'en') {
        assert.match(text, /Scan again when online/);
        assert.match(text, /not recorded/);
        assert.doesNotMatch(text, /DO NOT ADMIT|do not admit|sent later/i);
      } else {
        assert.match(text, /联网后请重新扫码/);
        assert.match(text, /未被记录/);
        assert.doesNotMatch(text, /不予通行|稍后上传/);
      }
    }
  });

  it('refuses the card once the guardian revoked it in the app', { timeout: 120_000 }, async () => {
    const { context, page } = await residentApp('zh-CN');
    await page.click('[data-testid=revoke-card]');
    await page.click('[data-testid=revoke-card-yes]');
    await page.locator('[data-testid=card-revoked]').waitFor();
    // The result takes the focus, and the status says when the card was revoked, not that none was printed.
    assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'card-revoked');
    assert.match((await page.locator('[data-testid=card-status]').textContent()) ?? '', /^卡片已于 .+ 作废。$/);
    await looked(page, 'household card revoked zh-CN');
    await page.screenshot({ path: join(SCREENS, 'household-card-revoked.zh-CN.png'), fullPage: true });
    await context.close();
    const { reason, text } = await scanCard('card-revoked');
    assert.equal(reason, 'card-revoked');
    assert.match(text, /已作废/);
  });

  /** The console's paper-card screen, signed in as a service-point clerk of the region. */
  async function consoleApp(lang: string): Promise<{ context: BrowserContext; page: Page }> {
    const staff = await server.services.staff.create('良渚街道便民服务中心 王芳', 'checkpoint', '330110');
    const context = await browser.newContext({ ...PHONE, viewport: { width: 1024, height: 800 } });
    await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.console.staff': { token: staff.token, id: staff.id, name: staff.name, role: 'checkpoint' } });
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/paper-cards`);
    await page.locator('input[name=idNumber]').waitFor();
    return { context, page };
  }

  it("prints a passport holder's card at a service point: the issuing country is asked, and the result names him", { timeout: 120_000 }, async () => {
    for (const lang of LANGS) {
      const { context, page } = await consoleApp(lang);
      await page.selectOption('select[name=idType]', 'passport');
      await page.fill('input[name=idNumber]', OLIVER_BROWN.idNumber);
      // Left empty, the country is named at its field, in the page's language, before anything is sent.
      await page.click('[data-testid=print-card]');
      assert.equal((await page.locator('.field-error .field-message').textContent())?.trim(), lang === 'en' ? 'Type the country that issued the passport first.' : '请先输入护照签发国家。');
      await page.screenshot({ path: join(SCREENS, `console-passport-no-country.${lang}.png`), fullPage: true });
      await page.fill('input[name=idCountry]', 'gbr');
      assert.equal(await page.locator('.field-error').count(), 0, 'the note goes once the country is typed');
      const pdf = await downloaded(page, async () => {
        await page.click('[data-testid=print-card]');
        await page.locator('[data-testid=card-pdf]').waitFor();
        await page.click('[data-testid=card-pdf]');
      });
      oliverCard = readCardQr(pdf);
      assert.match((await page.locator('[data-testid=card-holder]').textContent()) ?? '', /O\*+ B\*+/);
      assert.match((await page.locator('[data-testid=card-replaced]').textContent()) ?? '', lang === 'en' ? /^(No earlier card was cancelled\.)$/ : /^此前打印的卡片已失效。$/);
      await page.screenshot({ path: join(SCREENS, `console-passport-printed.${lang}.png`), fullPage: true });
      await looked(page, `console passport ${lang}`);
      await context.close();
    }
  });

  it('points the guard of a yellow paper-card holder to a guardian or a service point, not to an app he has not got', { timeout: 120_000 }, async () => {
    for (const lang of LANGS) {
      const { reason, text } = await scanCard('card-yellow', false, lang, oliverCard);
      assert.equal(reason, 'colour-not-admitted');
      assert.match(text, lang === 'en' ? /guardian, or a service point/ : /监护人或便民服务点/);
      assert.doesNotMatch(text, lang === 'en' ? /app says/ : /应用|App/);
    }
  });

  it('asks for the document number before revoking, in the page language, and moves the focus to the result', { timeout: 120_000 }, async () => {
    const { context, page } = await consoleApp('zh-CN');
    await page.click('[data-testid=revoke-card]');
    assert.equal((await page.locator('.field-error .field-message').textContent())?.trim(), '请先输入证件号码。');
    assert.equal(await page.locator('.confirm').count(), 0, 'nothing is asked while the number is missing');
    assert.doesNotMatch((await page.textContent('body')) ?? '', /must NOT|无法识别|could not read/);
    await page.screenshot({ path: join(SCREENS, 'console-revoke-empty.zh-CN.png'), fullPage: true });
    await page.selectOption('select[name=idType]', 'passport');
    await page.fill('input[name=idNumber]', OLIVER_BROWN.idNumber);
    await page.fill('input[name=idCountry]', 'GBR');
    await page.click('[data-testid=revoke-card]');
    await page.click('[data-testid=revoke-card-yes]');
    await page.locator('[data-testid=card-revoked]').waitFor();
    assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'card-revoked');
    assert.match((await page.locator('[data-testid=card-revoked]').textContent()) ?? '', /卡片已作废/);
    await page.screenshot({ path: join(SCREENS, 'console-revoked.zh-CN.png'), fullPage: true });
    await looked(page, 'console revoked zh-CN');
    await context.close();
  });

  it("prints a card at a service point from the document in the person's hand, in the console", { timeout: 120_000 }, async () => {
    const staff = await server.services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    for (const lang of LANGS) {
      const context = await browser.newContext({ ...PHONE, viewport: { width: 1024, height: 800 } });
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.console.staff': { token: staff.token, id: staff.id, name: staff.name, role: 'checkpoint' } });
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/paper-cards`);
      await page.fill('input[name=idNumber]', GRANDMA_ZHANG.idNumber);
      const pdf = await downloaded(page, async () => {
        await page.click('[data-testid=print-card]');
        await page.locator('[data-testid=card-pdf]').waitFor();
        await page.click('[data-testid=card-pdf]');
      });
      card = readCardQr(pdf);
      assert.match(card, /^HCCARD1:/);
      await page.screenshot({ path: join(SCREENS, `console-card.${lang}.png`), fullPage: true });
      await looked(page, `console paper cards ${lang}`);
      await context.close();
    }
    const { reason, text } = await scanCard('card-from-service-point', false, 'en');
    assert.equal(reason, 'allowed');
    assert.match(text, /Admit/i);
  });

  it('finds the live card at a service point and prints it again as it was, for a damaged printout, its Chinese in the clerk\'s script: the card in her hand still admits', { timeout: 180_000 }, async () => {
    const permitLabel = { en: 'Mainland Travel Permit for HK / Macao Residents (Home Return Permit)', 'zh-CN': '港澳居民来往内地通行证（回乡证）', 'zh-Hant': '港澳居民來往內地通行證（回鄉證）' } as const;
    for (const lang of ['en', 'zh-CN', 'zh-Hant'] as const) {
      const { context, page } = await consoleApp(lang);
      // The document types include the mainland travel permits, named in the page's language.
      assert.equal((await page.locator('select[name=idType] option[value=hk_macao_travel_permit]').textContent())?.trim(), permitLabel[lang]);
      await page.fill('input[name=idNumber]', GRANDMA_ZHANG.idNumber);
      await page.click('[data-testid=find-card]');
      await page.locator('[data-testid=card-found]').waitFor();
      assert.equal(await page.evaluate("document.activeElement?.getAttribute('data-testid')"), 'card-found');
      const found = (await page.locator('[data-testid=card-found]').textContent()) ?? '';
      assert.match(found, /张\*兰/);
      assert.match(found, lang === 'en' ? /valid until/ : /有效至/);
      await page.screenshot({ path: join(SCREENS, `console-card-found.${lang}.png`), fullPage: true });
      await looked(page, `console card found ${lang}`);
      const pdf = await downloaded(page, async () => {
        await page.click('[data-testid=copy-card]');
        await page.locator('[data-testid=card-pdf]').waitFor();
        await page.click('[data-testid=card-pdf]');
      });
      assert.equal(readCardQr(pdf), card, 'the same card');
      // A clerk working in 繁體 prints the card's Chinese in Traditional, for a holder who reads it; English lines on every card.
      const words = cardText(pdf).replace(/\s+/g, '');
      const [title, other] = lang === 'zh-Hant' ? ['健康碼紙卡', '健康码纸卡'] : ['健康码纸卡', '健康碼紙卡'];
      assert.ok(words.includes(title) && !words.includes(other) && words.includes('Healthcodepapercard'), `${lang}: ${words}`);
      assert.match((await page.locator('[data-testid=card-replaced]').textContent()) ?? '', lang === 'en' ? /^No earlier card was cancelled\.$/ : /^(没有作废此前的卡片|沒有作廢先前的卡片)。$/);
      await page.screenshot({ path: join(SCREENS, `console-card-copied.${lang}.png`), fullPage: true });
      await looked(page, `console card copied ${lang}`);
      await context.close();
    }
    const { reason } = await scanCard('card-after-copy', false, 'en');
    assert.equal(reason, 'allowed');
  });
});
