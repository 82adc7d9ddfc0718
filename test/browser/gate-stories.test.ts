import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateSigningKey, signToken } from '../../src/codes/token-signer.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { writeQrSequence, writeQrVideo } from '../support/fake-camera.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { LIU_FANG, OLIVER_BROWN, withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';

/**
 * The gate, driven to its end in Chromium with a fake camera: a scanner paired from the venue app's
 * one-time QR and checking a code; a gate that loses the network, keeps checking from its cached
 * lists and uploads its queue when the network returns; and a code from an issuer nobody trusts,
 * refused in words a guard can act on, the guard's next step taken.
 */

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const LANGS = ['zh-CN', 'en'] as const;
type Lang = (typeof LANGS)[number];
const CAMERA = (video: string) => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];

/** A message key shown as text means a message is missing. */
const RAW_KEY = /\b(scanner|venue|reason|step|listRefused|device|colour|visit|problem)\.[a-zA-Z-]+\b/;

/** The screen as the guard sees it: finished text, no serious WCAG A/AA problem, and a screenshot to look at. */
async function shot(page: Page, name: string): Promise<void> {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\{[a-zA-Z]+\}/, `${name} shows an unfilled parameter`);
  assert.equal(RAW_KEY.exec(text)?.[0], undefined, `${name} shows a message key`);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(serious, [], name);
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

const inLang = (lang: Lang) => `localStorage.setItem('healthcode.lang', '${lang}');`;

describe('at the gate, driven to the end: pairing, an offline gate, an untrusted issuer', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;
  let n = 0;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-gate-stories-'));
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A resident with a green code now, and the code's QR text. */
  async function greenCode(person: RegistrationInput): Promise<string> {
    const s = server.services;
    const resident = await s.residents.register(person, { phoneVerifiedAt: Date.now() });
    await s.declarations.declare(resident.id, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
    return (await s.healthCodes.issue(resident.id)).token;
  }

  /** A subway gate's venue, and a staff credential that operates it. */
  async function subwayStation(name: string) {
    const staff = await server.services.staff.create(`${name} 站务室`, 'venue');
    const venue = await server.services.venues.registerVenue({ name, type: 'subway_station', region: '330102', address: '延安路与平海路交叉口', latitude: 30.26, longitude: 120.17, operator: '杭州地铁' }, { ...staff, role: 'venue' });
    return { staff, venue };
  }

  /** A scanner phone whose camera plays `shots` in a loop. */
  async function cameraPhone(shots: Parameters<typeof writeQrSequence>[0], lang: Lang, fps = 10): Promise<{ camera: Browser; context: BrowserContext; page: Page }> {
    const video = join(work, `camera-${++n}.y4m`);
    writeQrSequence(shots, video, fps);
    const camera = await launchChromium(CAMERA(video));
    const context = await camera.newContext({ ...PHONE, locale: lang, permissions: ['camera'] });
    await context.addInitScript({ content: inLang(lang) });
    return { camera, context, page: await context.newPage() };
  }

  for (const lang of LANGS) {
    it(`pairs a scanner from the venue app's one-time QR, and the paired scanner admits a green code (${lang})`, { timeout: 120_000 }, async () => {
      const station = lang === 'en' ? '凤起路地铁站 Fengqi Road Station' : '龙翔桥地铁站';
      const { staff } = await subwayStation(station);
      const person = lang === 'en' ? OLIVER_BROWN : ZHANG_WEI;
      const token = await greenCode(person);
      const desk = await browser.newContext({ ...PHONE, locale: lang });
      await meterTaps(desk);
      await desk.addInitScript({ content: `${inLang(lang)} localStorage.setItem('healthcode.venue.staff', ${JSON.stringify(JSON.stringify({ token: staff.token, id: staff.id, name: staff.name, role: 'venue' }))});` });
      const venue = await desk.newPage();
      await venue.goto(`${server.url}/venue/`);
      await venue.locator('.list li').first().waitFor();
      const flow = await startFlow(`pairing (${lang})`, [venue]);
      await venue.click('.list li button');
      await venue.fill('input[name=deviceName]', lang === 'en' ? 'Exit C gate 2' : 'C 口 2 号闸机');
      await venue.click('form.row button[type=submit]');
      const qr = venue.locator('canvas[data-pairing]');
      await qr.waitFor();
      const code = (await qr.getAttribute('data-pairing'))!;
      assert.match(await venue.locator('[data-testid=device-credential]').innerText(), lang === 'en' ? /Works once/ : /仅可使用一次/);
      await shot(venue, `gate-story-venue-pairing-qr.${lang}`);

      // The gate phone's camera sees the pairing code, then the person's code.
      const { camera, context, page: scanner } = await cameraPhone([{ text: code, frames: 30 }, { text: null, frames: 10 }, { text: token, frames: 30 }], lang);
      try {
        await meterTaps(context);
        await scanner.goto(`${server.url}/scanner/`);
        const scannerFlow = await startFlow(`pairing, scanner side (${lang})`, [scanner]);
        await scanner.click('[data-testid=pair-camera]');
        const status = scanner.locator('[data-testid=scanner-status]');
        await status.waitFor({ timeout: 30_000 });
        const desk = await flow.end();
        const gate = await scannerFlow.end();
        process.stdout.write(`# measured pairing (${lang}): venue ${desk.taps} taps, scanner ${gate.taps} taps, ${gate.seconds} s on the scanner\n`);
        assert.ok(gate.taps <= 1, `the scanner pairs with one tap, not ${gate.taps}`);
        assert.match(await scanner.locator('body').innerText(), new RegExp(station.split(' ')[0]!));

        const result = scanner.locator('[data-testid=scan-result]');
        await result.waitFor({ timeout: 30_000 });
        assert.deepEqual([await result.getAttribute('data-colour'), await result.getAttribute('data-admitted')], ['green', 'true']);
        const seen = await result.innerText();
        assert.match(seen, lang === 'en' ? /ADMIT/ : /准予通行/);
        // The masked name a guard matches to the document: 张*; O***** B**** against BROWN<<OLIVER.
        assert.match(seen, lang === 'en' ? /O\*{5} B\*{4}/ : /张\*/);
        await shot(scanner, `gate-story-paired-admit.${lang}`);
      } finally {
        await camera.close();
        await desk.close();
      }
      // The code paired this device once: shown again, it pairs nothing.
      const again = await fetch(`${server.url}/api/v1/checkpoint/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      assert.equal(again.status, 401);
    });
  }

  it('says plainly, in the scanner, that a pairing code already used pairs nothing, and how to get a new one', { timeout: 90_000 }, async () => {
    const { venue } = await subwayStation('武林广场地铁站');
    const device = await server.services.venues.registerCheckpointDevice(venue.id, 'A 口闸机');
    const code = device.pairing.code;
    await server.services.venues.pair(code);
    for (const lang of LANGS) {
      const { camera, page } = await cameraPhone([{ text: code, frames: 20 }], lang);
      try {
        await page.goto(`${server.url}/scanner/`);
        await page.click('[data-testid=pair-camera]');
        const refused = page.locator('[data-testid=pair-refused]');
        await refused.waitFor({ timeout: 30_000 });
        assert.match(await refused.innerText(), lang === 'en' ? /already used or has expired.*Show a new pairing code/ : /已被使用或已过期.*生成新的配对码/);
        await shot(page, `gate-story-pairing-used.${lang}`);
      } finally {
        await camera.close();
      }
    }
  });

  for (const lang of LANGS) {
    it(`keeps checking codes from its cached lists when the network goes, and uploads the queue when it returns (${lang})`, { timeout: 150_000 }, async () => {
      const { venue } = await subwayStation(lang === 'en' ? '西湖文化广场站 West Lake Culture Square' : '西湖文化广场站');
      const device = await server.services.venues.registerCheckpointDevice(venue.id, lang === 'en' ? 'Exit D gate' : 'D 口闸机');
      const s = server.services;
      const green = await greenCode({ ...LIU_FANG, name: lang === 'en' ? 'Zoë Ångström' : '刘芳芳', idNumber: withCheck(lang === 'en' ? '33010619950630011' : '33010619950630012'), phone: lang === 'en' ? '15067891201' : '15067891202' });
      const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
      const sick = await s.residents.register({ ...ZHANG_WEI, name: '王建国', idNumber: withCheck(lang === 'en' ? '33010619800101013' : '33010619800101014'), phone: lang === 'en' ? '13600001301' : '13600001302' }, { phoneVerifiedAt: Date.now() });
      await s.declarations.declare(sick.id, { stays: [{ region: '420106', arrival: day(6), departure: day(3) }], contacts: [], symptoms: [], temperature: 36.5 });
      await s.authority.setRiskArea({ region: '420106', level: 'high', from: day(14) });
      const red = (await s.healthCodes.issue(sick.id)).token;

      // Nothing in front of the camera for the first seconds: the gate is set up online, then the network goes.
      const { camera, context, page } = await cameraPhone([{ text: null, frames: 40 }, { text: green, frames: 15 }, { text: null, frames: 10 }, { text: red, frames: 15 }, { text: null, frames: 10 }], lang);
      try {
        await page.goto(`${server.url}/scanner/`);
        await page.fill('input[name=credential]', device.token);
        await page.click('button[type=submit]');
        const status = page.locator('[data-testid=scanner-status]');
        await status.waitFor();
        await context.setOffline(true);
        await status.filter({ hasText: /离线|Offline/ }).waitFor({ timeout: 30_000 });

        // Offline, the codes are still checked: admitted and refused, from the lists the scanner keeps.
        const verdicts = new Map<string, string>();
        const result = page.locator('[data-testid=scan-result]');
        while (!verdicts.has('green') || !verdicts.has('red')) {
          await result.waitFor({ timeout: 40_000 });
          const colour = (await result.getAttribute('data-colour'))!;
          if (!verdicts.has(colour)) {
            verdicts.set(colour, await result.innerText());
            if (colour === 'red') {
              assert.equal(await result.getAttribute('data-admitted'), 'false');
              await shot(page, `gate-story-offline-refuse.${lang}`);
            } else {
              assert.equal(await result.getAttribute('data-admitted'), 'true');
              await shot(page, `gate-story-offline-admit.${lang}`);
            }
          }
          await page.locator('.result-hint').click();
          await result.waitFor({ state: 'detached' });
        }
        assert.match(verdicts.get('green')!, lang === 'en' ? /ADMIT.*Z\*\* A\*{9}/s : /准予通行.*刘\*芳/s);
        // The refusal says why and what the guard does next.
        assert.match(verdicts.get('red')!, lang === 'en' ? /DO NOT ADMIT.*may not enter this venue.*What to do.*Do not let them in/s : /不予通行.*不允许进入本场所.*下一步.*请勿放行/s);
        const statusText = await status.innerText();
        const queued = Number(/(\d+)/.exec(statusText.split('·')[1] ?? '')?.[1]);
        assert.ok(queued >= 2, `scans wait in the queue offline: ${statusText}`);
        assert.equal((await server.opened.store.db.selectFrom('scans').select('id').where('venue_id', '=', venue.id).execute()).length, 0, 'nothing reached the server while offline');
        await shot(page, `gate-story-offline-queued.${lang}`);

        // The network returns: the queue uploads, and the screen says so.
        await context.setOffline(false);
        const uploaded = page.locator('[data-testid=uploaded]');
        await uploaded.waitFor({ timeout: 30_000 });
        assert.match(await uploaded.innerText(), lang === 'en' ? /\d+ scans uploaded at \d{2}:\d{2}/ : /\d{2}:\d{2} 已上传 \d+ 条扫码记录/);
        await status.filter({ hasText: /(^|\D)0 (scans waiting|条待上传)/ }).waitFor({ timeout: 30_000 });
        const stored = await server.opened.store.db.selectFrom('scans').select(['colour', 'admitted', 'method']).where('venue_id', '=', venue.id).execute();
        assert.ok(stored.length >= 2);
        assert.ok(stored.some((r) => r.colour === 'green' && r.admitted === 1) && stored.some((r) => r.colour === 'red' && r.admitted === 0));
        assert.ok(stored.every((r) => r.method === 'offline'));
        // The camera still sees the codes: a verdict may come up again; the screenshot is of the screen under it.
        for (let attempt = 0; attempt < 5; attempt++) {
          if ((await result.count()) > 0) await page.keyboard.press('Escape');
          await result.waitFor({ state: 'detached' });
          await shot(page, `gate-story-offline-uploaded.${lang}`);
          if ((await result.count()) === 0) break;
        }
      } finally {
        await camera.close();
      }
    });
  }

  for (const lang of LANGS) {
    it(`refuses a code from an issuer nobody trusts in plain words, and the guard checks the person by ID number instead (${lang})`, { timeout: 120_000 }, async () => {
      const { venue } = await subwayStation(lang === 'en' ? '城站 Hangzhou Railway Station' : '城站');
      const device = await server.services.venues.registerCheckpointDevice(venue.id, lang === 'en' ? 'North gate' : '北口闸机');
      const person = { ...ZHANG_WEI, name: '陈志明', idNumber: withCheck(lang === 'en' ? '33010219870723015' : '33010219870723016'), phone: lang === 'en' ? '13700001401' : '13700001402' };
      await greenCode(person);
      // A code made with a key of someone's own, claiming a Shenzhen issuer: signed properly, trusted by nobody.
      const forger = generateSigningKey('CN-440300');
      const now = Math.floor(Date.now() / 1000);
      const forged = signToken(forger, { subject: 'not-a-resident', issuedAt: now, notBefore: now, expiresAt: now + 300, colour: 'green', mark: null, maskedName: '陈*明' });

      const { camera, page } = await cameraPhone([{ text: forged, frames: 20 }], lang);
      try {
        await page.goto(`${server.url}/scanner/`);
        await page.fill('input[name=credential]', device.token);
        await page.click('button[type=submit]');
        const result = page.locator('[data-testid=scan-result]');
        await result.waitFor({ timeout: 30_000 });
        assert.deepEqual([await result.getAttribute('data-admitted'), await result.getAttribute('data-reason')], ['false', 'unknown-key']);
        const words = await result.innerText();
        assert.match(words, lang === 'en' ? /not issued by any health-code office this scanner accepts.*What to do.*Check them by the ID number.*call the duty officer/s : /不是本设备认可的任何健康码管理部门签发的.*下一步.*按对方证件上的号码核验.*值班负责人/s);
        assert.doesNotMatch(words, /key|signature|密钥|签名/i);
        assert.doesNotMatch(words, /陈\*明/, 'nothing the untrusted code claims is shown');
        await shot(page, `gate-story-untrusted-issuer.${lang}`);

        // Shown again, the code is refused again, and the verdict says it was scanned here a moment ago.
        await page.locator('.result-hint').click();
        await result.waitFor({ state: 'detached' });
        await result.waitFor({ timeout: 30_000 });
        assert.match(await page.locator('[data-testid=seen-before]').innerText(), lang === 'en' ? /already scanned here at \d{2}:\d{2}/ : /已于 \d{2}:\d{2}:\d{2} 在此扫过|已于 .+ 在此扫过/);
        await shot(page, `gate-story-seen-before.${lang}`);

        // The guard's next step, taken: check the person by the ID number on their document.
        await page.click('[data-testid=next-steps] button[data-step=check-by-id]');
        await page.locator('input[name=idNumber]').waitFor();
        await page.fill('input[name=idNumber]', person.idNumber);
        await page.locator('form button[type=submit]').click();
        await result.waitFor({ timeout: 30_000 });
        assert.deepEqual([await result.getAttribute('data-colour'), await result.getAttribute('data-admitted')], ['green', 'true']);
        assert.match(await result.innerText(), lang === 'en' ? /ADMIT/ : /准予通行/);
        await shot(page, `gate-story-untrusted-then-id-check.${lang}`);
      } finally {
        await camera.close();
      }
    });
  }
  it('checks a resident in at a venue once when the network loses the answer, and says the retry was counted once (both languages)', { timeout: 120_000 }, async () => {
    const s = server.services;
    const { venue } = await subwayStation('定安路地铁站');
    const video = join(work, 'place-code.y4m');
    writeQrVideo(venue.placeCode, video);
    const camera = await launchChromium(CAMERA(video));
    try {
      for (const [i, lang] of LANGS.entries()) {
        const resident = await s.residents.register({ ...ZHANG_WEI, name: '赵雨涵', idNumber: withCheck(`3301021999050500${i}`), phone: `1390000150${i}` }, { phoneVerifiedAt: Date.now() });
        await s.declarations.declare(resident.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
        const session = asTheAppKeepsIt(await s.signIn.sessionFor(resident.id, Date.now()));
        const context = await camera.newContext({ ...PHONE, locale: lang, permissions: ['camera'] });
        await context.addInitScript({ content: `${inLang(lang)} localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(session))});` });
        const app = await context.newPage();
        // The first check-in reaches the server, and its answer is lost on the way back.
        let lost = false;
        await app.route('**/visits', async (route) => {
          if (lost) return route.continue();
          lost = true;
          await route.fetch();
          await route.abort('connectionreset');
        });
        await app.goto(`${server.url}/resident/#/visit`);
        const card = app.locator('[data-testid=visit-card]');
        await card.waitFor({ timeout: 30_000 });
        assert.ok(lost);
        assert.match(await app.locator('[data-testid=visit-duplicate]').innerText(), lang === 'en' ? /already recorded; it is counted once/ : /此前已记录，只计一次/);
        assert.match(await card.innerText(), lang === 'en' ? /定安路地铁站.*Green.*赵\*涵/s : /定安路地铁站.*绿码.*赵\*涵/s);
        const kept = await server.opened.store.db.selectFrom('scans').select('id').where('resident_id', '=', resident.id).where('method', '=', 'place-code').execute();
        assert.equal(kept.length, 1, 'the visit is kept once');
        await shot(app, `gate-story-visit-counted-once.${lang}`);
        await context.close();
      }
    } finally {
      await camera.close();
    }
  });
  it('tells the guard plainly when the scanner was paired again elsewhere, and when a document has no code (both languages)', { timeout: 120_000 }, async () => {
    const { staff, venue } = await subwayStation('近江地铁站');
    for (const lang of LANGS) {
      const device = await server.services.venues.registerCheckpointDevice(venue.id, lang === 'en' ? 'Exit A gate' : 'A 口闸机');
      const context = await browser.newContext({ ...PHONE, locale: lang });
      await context.addInitScript({ content: inLang(lang) });
      const page = await context.newPage();
      await page.goto(`${server.url}/scanner/`);
      await page.fill('input[name=credential]', device.token);
      await page.click('button[type=submit]');
      await page.locator('[data-testid=scanner-status]').waitFor();

      // A document nobody registered: the guard is told so, and what to do.
      await page.click('button.secondary.wide');
      await page.fill('input[name=idNumber]', withCheck('33010419760312001'));
      await page.locator('form button[type=submit]').click();
      const missing = page.locator('[data-testid=id-not-found]');
      await missing.waitFor();
      assert.match(await missing.innerText(), lang === 'en' ? /No health code is registered for this document.*call the duty officer/ : /此证件没有登记健康码.*值班负责人/);
      await shot(page, `gate-story-id-not-found.${lang}`);

      // The venue pairs another phone as this device: this one's credential stops working, and it says so at its next sync.
      const pairing = await server.services.venues.newPairing(venue.id, device.deviceId, { ...staff, role: 'venue' });
      await server.services.venues.pair(pairing.code);
      await context.setOffline(true);
      await context.setOffline(false);
      const unpaired = page.locator('[data-testid=unpaired]');
      await unpaired.waitFor({ timeout: 30_000 });
      assert.match(await unpaired.innerText(), lang === 'en' ? /no longer paired.*Codes are not checked.*new pairing code/s : /不再配对.*不能核验健康码.*新的配对码/s);
      assert.doesNotMatch(await page.locator('[data-testid=scanner-status]').innerText(), /Online|在线/);
      await shot(page, `gate-story-unpaired.${lang}`);
      await context.close();
    }
  });
});
