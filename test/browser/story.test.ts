import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { writeQrVideo } from '../support/fake-camera.js';
import { decodeShownQr } from '../support/qr-image.js';
import { CHEN_JING, LIU_FANG } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

/** Screenshots of every screen, at phone size, for a person to look at. */
export const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' };

/** `datetime-local` text in Beijing time, `days` days before now at the given hour. */
function beijingInput(daysAgo: number, hour: number): string {
  const day = new Date(Date.now() + 8 * HOUR_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}


async function inLanguage(context: BrowserContext, lang: 'zh-CN' | 'en'): Promise<void> {
  await seedStorage(context, { 'healthcode.lang': lang });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

describe('the whole story in a real browser', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-browser-'));
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`tells the holder whose ID number another account took that a reclaim is open for them (${lang})`, { timeout: 60_000 }, async () => {
      const holder = { ...CHEN_JING, phone: lang === 'en' ? '13700005555' : '13700004444' };
      if (lang === 'zh-CN') await server.services.residents.register({ ...CHEN_JING, name: '冒名者', phone: '13700003333' });
      const context = await browser.newContext({ ...PHONE, locale: lang });
      await inLanguage(context, lang);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/register`);
      await page.fill('input[name=name]', holder.name);
      await page.fill('input[name=idNumber]', holder.idNumber);
      await page.fill('.region-picker input', holder.address.region);
      await page.click(`.region-options button:has-text("${holder.address.region}")`);
      await page.fill('input[name=addressDetail]', holder.address.detail);
      await page.fill('input[name=phone]', holder.phone);
      await page.click('[data-testid=send-code]');
      const code = /\b(\d{6})\b/.exec((await page.locator('[data-testid=demo-sms]').textContent()) ?? '')?.[1];
      assert.ok(code);
      await page.fill('input[name=code]', code);
      await page.check('input[name=consent]');
      await page.click('button[type=submit]');
      const notice = page.locator('[data-problem=identity-taken]');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', lang === 'zh-CN' ? /我们已为您提出找回申请/ : /We have opened a request to give it back to you/);
      await shot(page, `resident-register-identity-taken.${lang}`);
      await context.close();
    });
  }

  it('registers and declares a trip, turns red when the authority lists the region, and the scanner reads red from the camera', { timeout: 120_000 }, async () => {
    // A resident registers on their phone, proving it with the SMS code, and declares a trip to Wuchang.
    const residentContext = await browser.newContext(PHONE);
    await inLanguage(residentContext, 'zh-CN');
    const resident = await residentContext.newPage();
    await resident.goto(`${server.url}/resident/#/register`);
    await resident.fill('input[name=name]', LIU_FANG.name);
    await resident.fill('input[name=idNumber]', LIU_FANG.idNumber);
    await resident.fill('.region-picker input', '西湖');
    await resident.click('.region-options button:has-text("330106")');
    await resident.fill('input[name=addressDetail]', LIU_FANG.address.detail);
    await resident.fill('input[name=phone]', LIU_FANG.phone!);
    await resident.click('[data-testid=send-code]');
    const sms = await resident.locator('[data-testid=demo-sms]').textContent();
    const code = /\b(\d{6})\b/.exec(sms ?? '')?.[1];
    assert.ok(code, `the demo SMS shows a code: ${sms}`);
    await resident.fill('input[name=code]', code);
    // A stranger spends every try the code has for those without its ticket; the app holds hers.
    for (let i = 1; i <= 6; i++) {
      const wrong = String((Number(code) + i) % 1_000_000).padStart(6, '0');
      const guessed = await fetch(`${server.url}/api/v1/residents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...LIU_FANG, code: wrong }) });
      assert.equal(guessed.status, i <= 5 ? 401 : 429, await guessed.text());
    }
    await resident.check('input[name=consent]');
    await shot(resident, 'resident-register.zh-CN');
    // A typo in the last character is named in plain words, once, at the field; the code is not used up.
    const typo = LIU_FANG.idNumber.slice(0, 17) + (LIU_FANG.idNumber.endsWith('1') ? '2' : '1');
    await resident.fill('input[name=idNumber]', typo);
    await resident.click('button[type=submit]');
    await resident.locator('.field-message').waitFor();
    const page = (await resident.textContent('body')) ?? '';
    assert.equal(page.split('最后一位校验码不符，请核对号码。').length - 1, 1, page);
    assert.match(page, /部分信息需要修改/);
    await resident.fill('input[name=idNumber]', LIU_FANG.idNumber);
    await resident.click('button[type=submit]');
    // Registered, the new resident is led straight to the declaration their colour waits for.
    await resident.waitForSelector('[data-testid=welcome-declare]');
    await resident.click('button:has-text("添加地点")');
    // The place search is a combobox: the arrow keys reach the option, Enter picks it.
    await resident.fill('.stay .region-picker input', '武昌');
    await resident.locator('.region-options button:has-text("420106")').waitFor();
    await resident.press('.stay .region-picker input', 'ArrowDown');
    assert.match((await resident.getAttribute('.stay .region-picker input', 'aria-activedescendant')) ?? '', /-0$/);
    await resident.press('.stay .region-picker input', 'Enter');
    await resident.locator('.stay .region-chosen:has-text("420106")').waitFor();
    await resident.fill('input[name=stay-0-arrival]', beijingInput(6, 8));
    await resident.fill('input[name=stay-0-departure]', beijingInput(3, 18));
    // Nothing is filled in for her temperature: left empty, the field asks for it or the "not measured" tick.
    assert.equal(await resident.inputValue('input[name=temperature]'), '');
    await resident.click('button:has-text("提交申报")');
    await resident.locator('.field-error .field-message', { hasText: '请填写体温（°C），或勾选“未测量体温”。' }).waitFor();
    await resident.fill('input[name=temperature]', '36.6');
    await shot(resident, 'resident-declare.zh-CN');
    await resident.click('button:has-text("提交申报")');
    const card = resident.locator('[data-testid=code-card]');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-colour'), 'green');
    assert.match((await card.textContent()) ?? '', /绿码/);
    assert.match((await card.textContent()) ?? '', /刘\*芳/);
    assert.match((await resident.locator('[data-testid=countdown]').textContent()) ?? '', /\d:\d\d 后刷新/);
    await shot(resident, 'resident-code-green.zh-CN');
    // Drawn in green ink, the QR still reads back to the token.
    assert.equal(await decodeShownQr(resident, join(work, 'green-qr.png')), await resident.locator('canvas[data-token]').getAttribute('data-token'));

    // The authority lists Wuhan as high-risk in the console.
    const staff = await server.services.staff.create('杭州市疾控中心 王主任', 'authority');
    const consoleContext = await browser.newContext(PHONE);
    await inLanguage(consoleContext, 'zh-CN');
    const authority = await consoleContext.newPage();
    await authority.goto(`${server.url}/console/`);
    await authority.fill('input[name=credential]', staff.token);
    await authority.click('button[type=submit]');
    await authority.click('a[data-section=risk-areas]');
    await authority.fill('#risk-region', '武汉市');
    await authority.click('.region-options button:has-text("420100")');
    // The form starts 14 days back; before saving, it says whom the listing would touch.
    const preview = authority.locator('[data-testid=risk-preview]');
    await preview.waitFor();
    assert.match((await preview.textContent()) ?? '', /保存后将重新判定到过该地区的 少于 5 人，其中 少于 5 人颜色会改变/);
    await authority.fill('input[name=from]', beijingInput(10, 0));
    await authority.click('button:has-text("保存并重新判定")');
    const outcome = await authority.locator('[data-testid=risk-outcome]').textContent();
    // Her one re-decision is said as the preview said it: an exact 1 would name her.
    assert.match(outcome ?? '', /已重新判定 少于 5 人，少于 5 人颜色改变/);
    await shot(authority, 'console-risk-areas.zh-CN');

    // The resident's code turns red, with the reason and the date it turns green.
    await resident.reload();
    await card.waitFor();
    assert.equal(await card.getAttribute('data-colour'), 'red');
    assert.match((await resident.locator('[data-testid=green-on]').textContent()) ?? '', /将于 .+ 转为绿码/);
    await shot(resident, 'resident-code-red.zh-CN');
    const token = await resident.locator('canvas[data-token]').getAttribute('data-token');
    assert.ok(token?.startsWith('JKM1:'));
    assert.equal(await decodeShownQr(resident, join(work, 'red-qr.png')), token);
    await resident.click('button:has-text("为什么是这个颜色")');
    const why = resident.locator('article.rule[data-rule=red-high-risk-area]');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /高风险地区停留 4 小时以上/);
    assert.match((await why.textContent()) ?? '', /湖北省 武汉市 武昌区/);
    await shot(resident, 'resident-why.zh-CN');

    // A subway gate's scanner reads the resident's QR from the camera and shows red.
    const venue = await server.services.venues.registerVenue({ name: '龙翔桥地铁站', type: 'subway_station', region: '330102', address: '延安路与平海路交叉口', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' });
    const device = await server.services.venues.registerCheckpointDevice(venue.id, 'C 口 2 号闸机');
    const video = join(work, 'resident-code.y4m');
    writeQrVideo(token!, video);
    const cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const scannerContext = await cameraBrowser.newContext({ ...PHONE, permissions: ['camera'] });
      await inLanguage(scannerContext, 'zh-CN');
      const scanner = await scannerContext.newPage();
      await scanner.goto(`${server.url}/scanner/`);
      await scanner.fill('input[name=credential]', device.token);
      await scanner.click('button[type=submit]');
      // The gate loses its network: the code is still verified, against the cached trust list.
      await scanner.locator('[data-testid=scanner-status]').waitFor();
      await scannerContext.setOffline(true);
      const result = scanner.locator('[data-testid=scan-result]');
      await result.waitFor({ timeout: 30_000 });
      assert.equal(await result.getAttribute('data-colour'), 'red');
      assert.equal(await result.getAttribute('data-admitted'), 'false');
      assert.match((await result.textContent()) ?? '', /不予通行.*红码.*刘\*芳/s);
      await shot(scanner, 'scanner-result-red.zh-CN');

      // The scan waits in the queue until the network returns, then reaches the server once.
      // The verdict holds the focus, so a guard with a keyboard (or a switch) closes it with Escape.
      assert.equal(await scanner.evaluate('document.activeElement?.className'), 'result-hint');
      await scanner.keyboard.press('Escape');
      await scanner.locator('[data-testid=scanner-status]', { hasText: '1 条待上传' }).waitFor();
      assert.equal((await server.opened.store.db.selectFrom('scans').select('id').where('method', '=', 'offline').execute()).length, 0);
      await scannerContext.setOffline(false);
      await scanner.locator('[data-testid=scanner-status]', { hasText: '0 条待上传' }).waitFor({ timeout: 30_000 });
      const stored = await server.opened.store.db.selectFrom('scans').select(['colour', 'admitted', 'venue_id']).where('method', '=', 'offline').execute();
      assert.deepEqual(stored, [{ colour: 'red', admitted: 0, venue_id: venue.id }]);
    } finally {
      await cameraBrowser.close();
    }

    // At the station's entrance the resident scans its place code; the app shows staff the venue,
    // the time and the colour, and the visit is kept like a scan.
    const savedSession = (await resident.evaluate("localStorage.getItem('healthcode.resident.session')")) as string;
    const placeVideo = join(work, 'place-code.y4m');
    writeQrVideo(venue.placeCode, placeVideo);
    const phoneCamera = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${placeVideo}`]);
    try {
      const context = await phoneCamera.newContext({ ...PHONE, permissions: ['camera'] });
      await seedStorage(context, { 'healthcode.lang': 'zh-CN', 'healthcode.resident.session': savedSession });
      const app = await context.newPage();
      await app.goto(`${server.url}/resident/#/code`);
      await app.click('a[href="#/visit"]');
      const visit = app.locator('[data-testid=visit-card]');
      await visit.waitFor({ timeout: 30_000 });
      assert.equal(await visit.getAttribute('data-colour'), 'red');
      assert.match((await visit.textContent()) ?? '', /龙翔桥地铁站.*红码.*刘\*芳.*不允许进入/s);
      await shot(app, 'resident-venue-visit.zh-CN');
      const visits = await server.opened.store.db.selectFrom('scans').select(['method', 'venue_id']).where('method', '=', 'place-code').execute();
      assert.deepEqual(visits, [{ method: 'place-code', venue_id: venue.id }]);
    } finally {
      await phoneCamera.close();
    }
  });
});
