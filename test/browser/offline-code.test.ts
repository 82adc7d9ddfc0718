import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import QRCode from 'qrcode';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { presentationSigningBytes, presentationText, timeStep } from '../../src/codes/offline-pass.js';
import { base64UrlToBytes } from '../../src/codes/trust-list.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { assertAccessible } from '../support/axe.js';
import { writeQrSequence } from '../support/fake-camera.js';
import { OLIVER_BROWN, withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

/**
 * The offline code, end to end in Chromium: a resident's phone that got its pass online opens the
 * app with the network cut and shows a code its own key signs; a gate scanner, offline too, admits
 * it "as of" the time its colour was decided. The same QR shown two minutes later (a screenshot),
 * the pass signed by another phone, and a pass past its expiry are refused.
 */

const SHOTS = '/work/shots/offline-pass';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const CAMERA = (video: string) => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
const LANGS = ['zh-CN', 'en'] as const;
type Lang = (typeof LANGS)[number];
const inLang = (lang: Lang) => `localStorage.setItem('healthcode.lang', '${lang}');`;

/**
 * What the page scripts below use of the browser, typed loosely: the tests are compiled without the
 * DOM's types. Each reads IndexedDB as the app wrote it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InPage = any;

/** The pass the resident app keeps in IndexedDB for a person, as the API sent it. */
const keptPass = (page: Page, subjectId: string) =>
  page.evaluate(
    (id) =>
      new Promise<{ pass: string; expiresAt: string; decidedAt: string } | undefined>((resolve, reject) => {
        const open = (globalThis as InPage).indexedDB.open('healthcode-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('passes').objectStore('passes').get(id);
          get.onsuccess = () => (open.result.close(), resolve(get.result));
          get.onerror = () => reject(get.error);
        };
      }),
    subjectId,
  );

/** Has the phone's own key, kept unextractable in IndexedDB, sign `bytes`: the app's signature, made at a moment of the test's choosing. */
const phoneSigns = (page: Page, bytes: Uint8Array) =>
  page.evaluate(async (data) => {
    const key = await new Promise<{ privateKey: unknown }>((resolve, reject) => {
      const open = (globalThis as InPage).indexedDB.open('healthcode-offline');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('keys').objectStore('keys').get('phone');
        get.onsuccess = () => (open.result.close(), resolve(get.result));
      };
    });
    return [...new Uint8Array(await (globalThis as InPage).crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, new Uint8Array(data)))];
  }, [...bytes]);

describe('the offline code: shown with no network, admitted offline, a screenshot refused', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;
  let n = 0;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-offline-code-'));
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A green resident signed in on a phone, the app opened once online (its pass fetched, its pages cached), then the network cut. */
  async function phoneGoneOffline(person: RegistrationInput, lang: Lang): Promise<{ context: BrowserContext; page: Page; residentId: string; onlineMs: number }> {
    const s = server.services;
    const resident = await s.residents.register(person, { phoneVerifiedAt: Date.now() });
    await s.declarations.declare(resident.id, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
    await s.signIn.requestSignInCode(person.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, person.phone!.startsWith('+') ? person.phone! : `+86${person.phone!}`);
    const session = asTheAppKeepsIt(await s.signIn.verifySignInCode(person.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
    const context = await browser.newContext({ ...PHONE, locale: lang });
    await context.addInitScript({ content: `${inLang(lang)} localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(session))});` });
    const page = await context.newPage();
    const fetched = page.waitForResponse((r) => r.url().endsWith('/offline-pass') && r.status() === 200);
    await page.goto(`${server.url}/resident/`);
    await page.locator('[data-testid=code-card]').waitFor();
    await fetched;
    // Opened again while online, once the service worker is active: under it, pages and scripts are cached.
    await page.evaluate(() => (globalThis as InPage).navigator.serviceWorker.ready.then(() => true));
    // The baseline: the same app opened online, to its live code drawn.
    const started = Date.now();
    await page.reload();
    await page.waitForFunction(() => ((globalThis as InPage).document.querySelector('[data-testid=code-card] canvas')?.getAttribute('data-token') ?? '').startsWith('JKM1:'));
    const onlineMs = Date.now() - started;
    await page.waitForFunction(() => (globalThis as InPage).navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    return { context, page, residentId: resident.id, onlineMs };
  }

  /** A scanner phone at a subway gate, set up online, its camera showing `shots` after a few blank seconds; then its network cut. */
  async function offlineScanner(shots: { text: string | null; frames: number }[], lang: Lang, clockAt?: number) {
    const staff = await server.services.staff.create('龙翔桥站务室', 'venue');
    const venue = await server.services.venues.registerVenue({ name: lang === 'en' ? 'Longxiangqiao Station' : '龙翔桥地铁站', type: 'subway_station', region: '330102', address: '延安路', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' }, { ...staff, role: 'venue' });
    const device = await server.services.venues.registerCheckpointDevice(venue.id, 'A 口闸机');
    const video = join(work, `camera-${++n}.y4m`);
    writeQrSequence([{ text: null, frames: 40 }, ...shots], video, 10);
    const camera = await launchChromium(CAMERA(video));
    const context = await camera.newContext({ ...PHONE, locale: lang, permissions: ['camera'] });
    // When the camera's video first plays: its blank lead runs from then, the code after it.
    await context.addInitScript({ content: `${inLang(lang)} document.addEventListener('playing', () => { window.cameraPlayingAt ??= Date.now(); }, true);` });
    if (clockAt !== undefined) await context.clock.install({ time: clockAt });
    const page = await context.newPage();
    await page.goto(`${server.url}/scanner/`);
    await page.fill('input[name=credential]', device.token);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=scanner-status]').waitFor();
    await context.setOffline(true);
    return { camera, page, venueId: venue.id };
  }

  for (const lang of LANGS) {
    it(`shows the code with the network cut, and an offline scanner admits it as of its decision (${lang})`, { timeout: 180_000 }, async () => {
      const person = lang === 'en' ? OLIVER_BROWN : ZHANG_WEI;
      const { context, page, onlineMs } = await phoneGoneOffline(person, lang);
      try {
        // Opening the app with no network: the offline code, signed by this phone.
        const opened = Date.now();
        await page.reload();
        const code = page.locator('[data-testid=offline-code]');
        await code.waitFor({ timeout: 30_000 });
        await page.waitForFunction(() => ((globalThis as InPage).document.querySelector('[data-testid=offline-code] canvas')?.getAttribute('data-token') ?? '').startsWith('JKO1:'));
        const shownAfter = Date.now() - opened;
        const text = (await page.locator('[data-testid=offline-code] canvas').getAttribute('data-token'))!;
        assert.equal(await code.getAttribute('data-colour'), 'green');
        assert.match(await code.innerText(), lang === 'en' ? /Offline code.*Colour as of.*Changes in \d+ s/s : /离线码.*颜色判定于.*秒后更新/s);
        await assertAccessible(page, `offline-code.${lang}`);
        await page.screenshot({ path: join(SHOTS, `resident-offline-code.${lang}.png`), fullPage: true });
        const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
        process.stdout.write(`# measured offline code (${lang}): ${text.length} characters, QR version ${qr.version} (M), ${qr.modules.size} modules a side\n`);

        // A gate scanner, offline as well, reads it from the phone's screen.
        const { camera, page: scanner } = await offlineScanner([{ text, frames: 30 }], lang);
        try {
          const verdict = scanner.locator('[data-testid=scan-result]');
          await verdict.waitFor({ timeout: 40_000 });
          // The camera shows nothing for its first 4 s (the scanner is set up, then cut off): the code is in front of it from then.
          const cameraPlayingAt = (await scanner.evaluate(() => (globalThis as InPage).cameraPlayingAt)) as number;
          const scanned = Date.now() - (cameraPlayingAt + 4000);
          assert.ok(scanned > 0, 'the verdict came after the code was shown');
          assert.deepEqual([await verdict.getAttribute('data-colour'), await verdict.getAttribute('data-admitted'), await verdict.getAttribute('data-reason')], ['green', 'true', 'allowed']);
          const asOf = scanner.locator('[data-testid=scan-as-of]');
          assert.equal(await asOf.getAttribute('data-offline'), 'true');
          assert.match(await asOf.innerText(), lang === 'en' ? /^as of .+, offline$/ : /^判定于 .+，离线核验$/);
          await assertAccessible(scanner, `scanner-offline-verdict.${lang}`);
          await scanner.screenshot({ path: join(SHOTS, `scanner-offline-verdict.${lang}.png`) });
          process.stdout.write(`# measured offline code (${lang}): ${((shownAfter + scanned) / 1000).toFixed(1)} s from opening the app offline to an admitted scan (${(shownAfter / 1000).toFixed(1)} s to the code on the phone, ${(scanned / 1000).toFixed(1)} s from the code before the camera to the verdict); the live code online took ${(onlineMs / 1000).toFixed(1)} s to draw\n`);
        } finally {
          await camera.close();
        }
      } finally {
        await context.close();
      }
    });
  }

  it('refuses the same QR shown two minutes later, and the pass signed by another phone', { timeout: 180_000 }, async () => {
    const { context, page, residentId } = await phoneGoneOffline({ ...ZHANG_WEI, name: '李秀英', idNumber: withCheck('33011019920315002'), phone: '13800138772' }, 'en');
    try {
      await page.reload();
      await page.waitForFunction(() => ((globalThis as InPage).document.querySelector('[data-testid=offline-code] canvas')?.getAttribute('data-token') ?? '').startsWith('JKO1:'));
      const screenshot = (await page.locator('[data-testid=offline-code] canvas').getAttribute('data-token'))!;
      const kept = (await keptPass(page, residentId))!;
      // Two minutes on, at the scanner: the screenshot, then the pass presented by a phone it was not issued to.
      const later = Date.now() + 120_000;
      const stranger = generateKeyPairSync('ed25519');
      const bytes = base64UrlToBytes(kept.pass);
      const step = timeStep(later + 10_000);
      const copied = presentationText(bytes, step, new Uint8Array(sign(null, presentationSigningBytes(bytes, step), stranger.privateKey)));
      const { camera, page: scanner } = await offlineScanner([{ text: screenshot, frames: 25 }, { text: null, frames: 10 }, { text: copied, frames: 25 }, { text: null, frames: 10 }], 'en', later);
      try {
        const reasons = new Set<string>();
        const verdict = scanner.locator('[data-testid=scan-result]');
        while (reasons.size < 2) {
          await verdict.waitFor({ timeout: 40_000 });
          assert.equal(await verdict.getAttribute('data-admitted'), 'false');
          const reason = (await verdict.getAttribute('data-reason'))!;
          if (!reasons.has(reason) && reason === 'stale-presentation') await scanner.screenshot({ path: join(SHOTS, 'scanner-offline-screenshot-refused.en.png') });
          reasons.add(reason);
          await scanner.keyboard.press('Escape');
          await verdict.waitFor({ state: 'detached' });
        }
        assert.deepEqual([...reasons].sort(), ['device-signature', 'stale-presentation']);
      } finally {
        await camera.close();
      }
    } finally {
      await context.close();
    }
  });

  it('refuses the pass once it has expired, though the phone itself signs it', { timeout: 180_000 }, async () => {
    const { context, page, residentId } = await phoneGoneOffline({ ...ZHANG_WEI, name: '王建国', idNumber: withCheck('33011019800101001'), phone: '13800138773' }, 'en');
    try {
      const kept = (await keptPass(page, residentId))!;
      // The pass lives as the server said: the configured twelve hours, no more.
      assert.equal(Date.parse(kept.expiresAt) - Date.parse(kept.decidedAt) <= 12 * 3_600_000 + 60_000, true);
      // The phone signs the step a minute past the expiry (and past the skew codes are allowed): a phone with its clock run on.
      const past = Date.parse(kept.expiresAt) + 61_000;
      const bytes = base64UrlToBytes(kept.pass);
      const step = timeStep(past + 10_000);
      const signature = new Uint8Array(await phoneSigns(page, presentationSigningBytes(bytes, step)));
      const late = presentationText(bytes, step, signature);
      const { camera, page: scanner } = await offlineScanner([{ text: late, frames: 30 }], 'en', past);
      try {
        const verdict = scanner.locator('[data-testid=scan-result]');
        await verdict.waitFor({ timeout: 40_000 });
        assert.deepEqual([await verdict.getAttribute('data-admitted'), await verdict.getAttribute('data-reason')], ['false', 'expired']);
      } finally {
        await camera.close();
      }
    } finally {
      await context.close();
    }
  });

  it("keeps, with no network, the elder screen's call to the family and a clock that runs", { timeout: 180_000 }, async () => {
    const { context, page } = await phoneGoneOffline({ ...ZHANG_WEI, name: '赵桂兰', idNumber: withCheck('33011019450101002'), phone: '13800138774' }, 'zh-CN');
    try {
      await page.evaluate(() => (globalThis as InPage).localStorage.setItem('healthcode.resident.elder', JSON.stringify({ on: true, familyPhone: '13912345678' })));
      await page.reload();
      const code = page.locator('[data-testid=offline-code]');
      await code.waitFor({ timeout: 30_000 });
      // A call needs no data: the one button to the family is there as it is online.
      assert.equal(await code.getByTestId('call-family').getAttribute('href'), 'tel:13912345678');
      assert.match(await code.getByTestId('call-family').innerText(), /给家人打电话/);
      // The clock runs, as on the online code: a guard tells a live screen from a picture by it.
      const clock = code.getByTestId('offline-live-time');
      const first = await clock.innerText();
      assert.match(first, /\d{1,2}:\d{2}:\d{2}/);
      await page.waitForFunction((shown) => (globalThis as InPage).document.querySelector('[data-testid=offline-live-time]')?.textContent !== shown, await clock.textContent(), { timeout: 5_000 });
      await assertAccessible(page, 'offline-code elder, zh-CN');
      await page.screenshot({ path: join(SHOTS, 'resident-offline-code-elder.zh-CN.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
