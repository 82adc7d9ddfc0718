import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { writeQrVideo } from '../support/fake-camera.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' };

describe('pairing a gate scanner by its camera, in a real browser', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-pairing-'));
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
    await context.addInitScript({ content: `localStorage.setItem('healthcode.lang', 'zh-CN'); localStorage.setItem('healthcode.venue.staff', ${JSON.stringify(JSON.stringify({ token: staff.token, id: staff.id, name: staff.name, role: 'venue' }))});` });
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
      await scannerContext.addInitScript({ content: `localStorage.setItem('healthcode.lang', 'zh-CN');` });
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
});
