import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { GRANDMA_ZHANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { writeQrVideo } from '../support/fake-camera.js';
import { decodeShownQr } from '../support/qr-image.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' };


describe('at the gate, in a real browser: pairing, a dependent, every colour', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-gate-'));
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('adds a device in the venue app, shows a one-time QR, and the scanner pairs by reading it: no typing', { timeout: 90_000 }, async () => {
    const staff = await server.services.staff.create('龙翔桥站 站务室', 'venue');
    await server.services.venues.registerVenue({ name: '龙翔桥地铁站', type: 'subway_station', region: '330102', address: '延安路与平海路交叉口', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' }, { ...staff, role: 'venue' });
    const context = await browser.newContext(PHONE);
    await seedStorage(context, { 'healthcode.lang': 'zh-CN', 'healthcode.venue.staff': { token: staff.token, id: staff.id, name: staff.name, role: 'venue' } });
    const venue = await context.newPage();
    await venue.goto(`${server.url}/venue/`);
    await venue.click('.list li button');
    await venue.fill('input[name=deviceName]', 'C 口 2 号闸机');
    await venue.click('form.row button[type=submit]');
    const qr = venue.locator('canvas[data-pairing]');
    await qr.waitFor();
    const code = await qr.getAttribute('data-pairing');
    assert.match(code ?? '', /^HCPAIR1:[0-9A-F]{40}$/);
    assert.match((await venue.locator('[data-testid=device-credential]').textContent()) ?? '', /仅可使用一次/);
    await venue.screenshot({ path: join(SCREENS, 'venue-pairing.zh-CN.png'), fullPage: true });

    const video = join(work, 'pairing.y4m');
    writeQrVideo(code!, video);
    const cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const scannerContext = await cameraBrowser.newContext({ ...PHONE, permissions: ['camera'] });
      await seedStorage(scannerContext, { 'healthcode.lang': 'zh-CN' });
      const scanner = await scannerContext.newPage();
      await scanner.goto(`${server.url}/scanner/`);
      await scanner.click('[data-testid=pair-camera]');
      await scanner.locator('[data-testid=scanner-status]').waitFor({ timeout: 30_000 });
      assert.match((await scanner.textContent('body')) ?? '', /龙翔桥地铁站/);
      await scanner.screenshot({ path: join(SCREENS, 'scanner-paired.zh-CN.png'), fullPage: true });

      // Disconnecting asks first.
      await scanner.click('button:has-text("解除本设备绑定")');
      await scanner.locator('button:has-text("确认解除")').waitFor();
      await scanner.click('button:has-text("取消")');
      await scanner.locator('[data-testid=scanner-status]').waitFor();
    } finally {
      await cameraBrowser.close();
    }
    // The code was used: showing it again pairs nothing.
    const again = await fetch(`${server.url}/api/v1/checkpoint/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(again.status, 401);
  });

  it("shows a dependent's code on the guardian's phone, drawn in its colour, and the gate reads it and admits her", { timeout: 90_000 }, async () => {
    const s = server.services;
    const now = Date.now();
    const guardian = await s.residents.register(ZHANG_WEI, { phoneVerifiedAt: now });
    const grandma = await s.residents.addDependent(guardian.id, { ...GRANDMA_ZHANG, relationship: 'parent' });
    await s.declarations.declare(grandma.id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    const session = asTheAppKeepsIt(await s.signIn.sessionFor(guardian.id, now));
    const context = await browser.newContext(PHONE);
    await seedStorage(context, { 'healthcode.lang': 'zh-CN', 'healthcode.resident.session': session });
    const phone = await context.newPage();
    await phone.goto(`${server.url}/resident/#/household`);
    await phone.click('.list li button');
    await phone.locator('.acting-for').waitFor();
    const card = phone.locator('[data-testid=code-card]');
    const colour = await card.getAttribute('data-colour');
    assert.equal(colour, 'green');
    const token = await phone.locator('canvas[data-token]').getAttribute('data-token');
    assert.equal(await decodeShownQr(phone, join(work, 'dependent-qr.png')), token);

    const staff = await s.staff.create('五常街道社区 门岗', 'venue');
    const venue = await s.venues.registerVenue({ name: '五常街道社区卫生服务中心', type: 'hospital', region: '330110', address: '五常大道 166 号', latitude: 30.28, longitude: 120.05, operator: '余杭区卫健局' }, { ...staff, role: 'venue' });
    const device = await s.venues.registerCheckpointDevice(venue.id, '门诊入口');
    const video = join(work, 'dependent.y4m');
    writeQrVideo(token!, video);
    const cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const gateContext = await cameraBrowser.newContext({ ...PHONE, permissions: ['camera'] });
      await seedStorage(gateContext, { 'healthcode.lang': 'zh-CN' });
      const gate = await gateContext.newPage();
      await gate.goto(`${server.url}/scanner/`);
      await gate.fill('input[name=credential]', device.token);
      await gate.click('button[type=submit]');
      const result = gate.locator('[data-testid=scan-result]');
      await result.waitFor({ timeout: 30_000 });
      assert.deepEqual([await result.getAttribute('data-colour'), await result.getAttribute('data-admitted')], ['green', 'true']);
      assert.match((await result.textContent()) ?? '', /张\*兰/);
      await gate.screenshot({ path: join(SCREENS, 'scanner-dependent-admitted.zh-CN.png'), fullPage: true });
    } finally {
      await cameraBrowser.close();
    }
  });

  it('draws each code in its own colour, and a camera reads every one of the four back', { timeout: 90_000 }, async () => {
    const s = server.services;
    const now = Date.now();
    const person = (n: number, verified: boolean) =>
      s.residents.register(
        { name: `测试${n}`, idType: 'resident_id', idNumber: withCheck(`33011019900101${String(n).padStart(3, '0')}`), phone: `1360000${String(n).padStart(4, '0')}`, address: { region: '330110', detail: '五常街道' } },
        verified ? { phoneVerifiedAt: now } : {},
      );
    const day = (d: number) => new Date(now - d * 86_400_000).toISOString();
    const green = await person(101, true);
    await s.declarations.declare(green.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
    const yellow = await person(102, true);
    await s.declarations.declare(yellow.id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.9 });
    const red = await person(103, true);
    await s.declarations.declare(red.id, { stays: [{ region: '420106', arrival: day(6), departure: day(3) }], contacts: [], symptoms: [], temperature: 36.5 });
    await s.authority.setRiskArea({ region: '420106', level: 'high', from: day(14) });
    const gray = await person(104, false);
    for (const [colour, resident] of [['green', green], ['yellow', yellow], ['red', red], ['gray', gray]] as const) {
      const context = await browser.newContext(PHONE);
      const session = asTheAppKeepsIt(await s.signIn.sessionFor(resident.id, now));
      await seedStorage(context, { 'healthcode.resident.session': session });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.locator(`[data-testid=code-card][data-colour=${colour}]`).waitFor();
      const token = await page.locator('canvas[data-token]').getAttribute('data-token');
      assert.equal(await decodeShownQr(page, join(work, `${colour}.png`)), token, colour);
      await context.close();
    }
  });
});
