import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { withCheck } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

/**
 * A resident's daily flows driven in Chromium to what the person sees at the end: the quarantine
 * check-in, a mistyped SMS code, a session that ended, and an ID number given back to its holder.
 */

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const DESK = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
type Lang = 'zh-CN' | 'en' | 'zh-Hant';
const LANGS: Lang[] = ['zh-CN', 'en'];
/** The check-in is walked in every language the app has. */
const CHECK_IN_LANGS: Lang[] = ['zh-CN', 'en', 'zh-Hant'];

/** Residents of Hangzhou, fictional, one per story and language (their ID numbers are all different). */
function resident(name: string, first17: string, phone: string): RegistrationInput {
  return { name, idType: 'resident_id', idNumber: withCheck(first17), phone, address: { region: '330106', detail: '文三路 90 号 5 单元 601 室' } };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

/** Serious and critical WCAG 2 A/AA problems axe-core finds on the screen as it is. */
async function assertAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(serious, [], screen);
}

/** Beijing's calendar date `daysAgo` days back, as YYYY-MM-DD. */
const beijingDate = (daysAgo: number) => new Date(Date.now() + 8 * HOUR_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);

/** A date as the resident app writes it (web/src/shared/format.ts formatDate). */
const shownDate = (iso: string, lang: Lang) =>
  new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(new Date(iso.length === 10 ? `${iso}T12:00:00+08:00` : iso));

/** A time of day as the check-in shows it (web/src/shared/format.ts formatClock). */
const shownClock = (at: number, lang: Lang) => new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));

/** One reading of today's check-in as the screen lists it: nothing wrong reported. */
const reading = (m: (typeof MESSAGES)[Lang], time: string, temperature: string) => m['checkIn.reading'].replace('{time}', time).replace('{temperature}', temperature).replace('{said}', m['checkIn.noSymptoms']);

describe("a resident's daily flows, in a real browser, to what the person sees", () => {
  let server: WebServer;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function phoneContext(lang: Lang, storage: Record<string, unknown> = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ ...PHONE, locale: lang });
    const saved = Object.entries(storage).map(([k, v]) => `localStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(JSON.stringify(v))});`);
    await context.addInitScript({ content: `if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1'); localStorage.setItem('healthcode.lang', '${lang}'); ${saved.join(' ')} }` });
    return context;
  }

  /** `person` signs in on a phone with the SMS code, which the app remembers: its page on the code, and the code used. */
  async function signedInRemembered(lang: Lang, person: RegistrationInput): Promise<{ context: BrowserContext; page: Page; firstCode: string }> {
    const context = await phoneContext(lang);
    const page = await context.newPage();
    await page.goto(`${server.url}/resident/#/sign-in`);
    await page.fill('input[name=phone]', person.phone!);
    await page.click('button[type=submit]');
    const firstCode = await shownCode(page);
    await page.fill('input[name=code]', firstCode);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=code-card]').waitFor();
    // A function, not a string: polling a string needs eval, which the apps' CSP refuses.
    await page.waitForFunction(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('healthcode.resident.device') !== null);
    return { context, page, firstCode };
  }

  /**
   * Ends the page's session in the store, as its hour being over would, and waits until the server refuses it: the
   * server learns of a session ended in its store within moments, not at once (its sessions are kept in memory).
   */
  async function endSession(page: Page, residentId: string): Promise<void> {
    const saved = JSON.parse((await page.evaluate("localStorage.getItem('healthcode.resident.session')")) as string) as { token: string };
    await server.ctx.stores.signIn.revokeSession((JSON.parse(Buffer.from(saved.token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti, Date.now());
    for (let tries = 0; (await fetch(`${server.url}/api/v1/residents/${residentId}`, { headers: { authorization: `Bearer ${saved.token}` } })).status !== 401; tries++) {
      assert.ok(tries < 100, 'the ended session is still accepted after 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The demo SMS's code, as the sign-in screen shows it in development mode. */
  async function shownCode(page: Page): Promise<string> {
    const sms = (await page.locator('[data-testid=demo-sms]').textContent()) ?? '';
    const code = /\b(\d{6})\b/.exec(sms)?.[1];
    assert.ok(code, sms);
    return code;
  }

  for (const lang of CHECK_IN_LANGS) {
    const m = MESSAGES[lang];

    it(`checks in for today in yellow home quarantine, sees what was recorded, finds today's check-in when she opens it again and adds a second reading (${lang})`, { timeout: 90_000 }, async () => {
      // Two days ago she was near a suspected case: yellow, home quarantine with daily check-ins.
      const person = lang === 'zh-CN' ? resident('周丽华', '33010619860512002', '13858001201') : lang === 'en' ? resident('沈国强', '33010619790923003', '13858001202') : resident('黃志明', '33010619750318021', '13858001221');
      const { id } = await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      await server.services.declarations.declare(id, { stays: [], contacts: [{ kind: 'suspected', date: beijingDate(2) }], symptoms: [], temperature: 36.6 });
      const session = asTheAppKeepsIt(await server.services.signIn.sessionFor(id, Date.now()));
      const context = await phoneContext(lang, { 'healthcode.resident.session': session });
      await meterTaps(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.locator('[data-testid=code-card][data-colour=yellow]').waitFor();

      // Measured from the code screen she opens every morning to the result on screen.
      const flow = await startFlow(`check-in.${lang}`, [page]);
      await page.click('a[data-tab=check-in]');
      const temperature = page.locator('input[name=temperature]');
      assert.equal(await temperature.inputValue(), '', 'nothing is filled in for her');
      await temperature.fill('36.8');
      await page.click(`button:has-text("${m['checkIn.submit']}")`);
      const result = page.locator('[data-testid=check-in-result]');
      await result.waitFor();
      const measured = await flow.end();
      process.stdout.write(`# measured ${measured.flow}: ${measured.taps} taps, ${measured.seconds} s\n`);
      assert.ok(measured.taps <= 4, `${measured.taps} taps`);

      const text = (await result.textContent()) ?? '';
      assert.ok(text.includes(m['checkIn.done'].replace('{date}', shownDate(beijingDate(0), lang))), text);
      assert.ok(text.includes(m['colour.yellow']), text);
      const greenOn = await server.services.decisions.decide(id, 'test reads the date to green');
      assert.ok(greenOn.greenOn, 'a yellow code with check-ins has a date to green');
      assert.equal(await page.locator('[data-testid=check-in-green-on]').textContent(), m['code.greenOn'].replace('{date}', shownDate(new Date(greenOn.greenOn).toISOString(), lang)));
      await assertAccessible(page, `check-in result ${lang}`);
      await shot(page, `resident-check-in-done.${lang}`);

      // Later that day she opens the check-in again: today's check-in, not an empty form, with its time...
      await page.click('a[data-tab=code]');
      await page.locator('[data-testid=code-card]').waitFor();
      await page.click('a[data-tab=check-in]');
      const firstAt = (await server.ctx.stores.checkIns.ofDay(id, beijingDate(0)))[0]!.at;
      await page.locator('[data-testid=checked-in-at]').waitFor();
      assert.equal(await page.locator('[data-testid=checked-in-at]').textContent(), m['checkIn.at'].replace('{time}', shownClock(firstAt, lang)));
      assert.deepEqual(await page.locator('[data-testid=check-in-readings] li').allTextContents(), [reading(m, shownClock(firstAt, lang), '36.8')]);
      await assertAccessible(page, `today's check-in ${lang}`);
      await shot(page, `resident-check-in-today.${lang}`);
      // ...and a way to check in again, the form starting from what she entered this morning.
      await page.click('[data-testid=check-in-again]');
      assert.equal(await temperature.inputValue(), '36.8');
      // An emptied temperature is named at its field...
      await temperature.fill('');
      await page.click(`button:has-text("${m['checkIn.submitAgain']}")`);
      const fieldMessage = page.locator('.field-error .field-message');
      await fieldMessage.waitFor();
      assert.equal(await fieldMessage.textContent(), m['temperature.missing']);
      assert.equal(await page.evaluate("document.activeElement?.getAttribute('name')"), 'temperature');
      // ...one out of range too, with its unit...
      await temperature.fill('98.6');
      await page.click(`button:has-text("${m['checkIn.submitAgain']}")`);
      await page.locator('.field-error .field-message', { hasText: m['temperature.range'] }).waitFor();
      await shot(page, `resident-check-in-again.${lang}`);
      // ...and the new reading is added beside the first, both shown.
      await temperature.fill('36.7');
      await page.click(`button:has-text("${m['checkIn.submitAgain']}")`);
      await page.locator('[data-testid=check-in-readings] li').nth(1).waitFor();
      const readings = await server.ctx.stores.checkIns.ofDay(id, beijingDate(0));
      assert.deepEqual(await page.locator('[data-testid=check-in-readings] li').allTextContents(), [reading(m, shownClock(readings[0]!.at, lang), '36.8'), reading(m, shownClock(readings[1]!.at, lang), '36.7')]);
      assert.ok(((await result.textContent()) ?? '').includes(m['colour.yellow']));
      await assertAccessible(page, `check-in twice ${lang}`);
      await shot(page, `resident-check-in-twice.${lang}`);
      await context.close();
    });
  }

  for (const lang of CHECK_IN_LANGS) {
    const m = MESSAGES[lang];

    it(`checks in with a fever in yellow quarantine, turns red, and reads under "why" the check-in that made it red, first (${lang})`, { timeout: 90_000 }, async () => {
      // She declared a fever and a cough yesterday: yellow, home quarantine with daily check-ins.
      const person = lang === 'zh-CN' ? resident('赵丽华', '33010619850607031', '13858001231') : lang === 'en' ? resident('钱文涛', '33010619720914032', '13858001232') : resident('陳淑芬', '33010619810226033', '13858001233');
      const { id } = await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      await server.services.declarations.declare(id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 38.1 });
      const session = asTheAppKeepsIt(await server.services.signIn.sessionFor(id, Date.now()));
      const context = await phoneContext(lang, { 'healthcode.resident.session': session });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.locator('[data-testid=code-card][data-colour=yellow]').waitFor();

      // Tonight's check-in reads 38.6 °C: the code turns red.
      await page.click('a[data-tab=check-in]');
      await page.locator('input[name=temperature]').fill('38.6');
      await page.click(`button:has-text("${m['checkIn.submit']}")`);
      await page.locator('[data-testid=check-in-result]').waitFor();
      assert.ok(((await page.locator('[data-testid=check-in-result]').textContent()) ?? '').includes(m['colour.red']));

      await page.click('a[data-tab=code]');
      await page.locator('[data-testid=code-card][data-colour=red]').waitFor();
      await page.click(`button:has-text("${m['code.why']}")`);
      const first = page.locator('article.rule').first();
      await first.waitFor();
      // The first reason is red, and names the check-in, its day and reading before the yellow rule's words.
      const said = { 'zh-CN': `您 ${beijingDate(0)} 的每日打卡报告发热（38.6°C）：隔离期间打卡有症状或发热，黄码转为红码。`, en: `Your daily check-in on ${beijingDate(0)} reported a fever (38.6 °C): during the quarantine, a check-in with symptoms or a fever turns the yellow code red.` };
      const heading = (await first.locator('h3').textContent()) ?? '';
      assert.ok(heading.includes(m['colour.red']), heading);
      assert.ok(heading.includes(lang === 'en' ? said.en : lang === 'zh-CN' ? said['zh-CN'] : toTraditional(said['zh-CN'])), heading);
      // Its first evidence is that check-in, with its temperature.
      assert.match((await first.locator('ul.evidence li').first().textContent()) ?? '', /38\.6/);
      // The colour history words the check-in in the screen's language, not the server's phrase.
      const history = await page.locator('ol.history li').allTextContents();
      assert.ok(history.some((h) => h.includes(m['colour.red']) && h.includes(m['cause.checkIn'])), history.join(' | '));
      assert.ok(history.every((h) => !h.includes('check-in on')), history.join(' | '));
      await assertAccessible(page, `why red after a fever check-in ${lang}`);
      await shot(page, `resident-why-red-check-in.${lang}`);
      await context.close();
    });
  }

  for (const lang of LANGS) {
    const m = MESSAGES[lang];

    it(`says a mistyped SMS code is wrong with the tries left, and when a new code may be asked for once none are left (${lang})`, { timeout: 90_000 }, async () => {
      const person = lang === 'zh-CN' ? resident('钱美玲', '33010619910217004', '13858001203') : resident('孙建平', '33010619680704005', '13858001204');
      await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      const context = await phoneContext(lang);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/sign-in`);
      await page.fill('input[name=phone]', person.phone!);
      await page.click('button[type=submit]');
      const code = await shownCode(page);
      const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10);
      await page.fill('input[name=code]', wrong);
      await page.click('button[type=submit]');
      const notice = page.locator('[data-reason=wrong-code]');
      await notice.waitFor();
      assert.equal(await notice.textContent(), m['problem.unauthenticated.wrong-code'].replace('{attemptsLeft}', '4'));
      assert.doesNotMatch((await page.textContent('main')) ?? '', new RegExp(m['problem.unauthenticated']));
      await assertAccessible(page, `wrong code ${lang}`);
      await shot(page, `resident-sign-in-wrong-code.${lang}`);
      for (let left = 3; left >= 0; left--) {
        await page.click('button[type=submit]');
        await page.locator('[data-reason=wrong-code]', { hasText: left > 0 ? m['problem.unauthenticated.wrong-code'].replace('{attemptsLeft}', String(left)) : m['problem.unauthenticated.wrong-code-last'].split('{next}')[0]!.trim() }).waitFor();
      }
      // No tries left: when a new code may be asked for, as a time of day, and the button counts down to it.
      const last = (await notice.textContent()) ?? '';
      const at = m['signIn.newCodeAt'].split('{time}')[0]!;
      assert.ok(last.includes(at), last);
      assert.match(last, /\d{2}:\d{2}:\d{2}/);
      assert.match((await page.textContent('[data-testid=resend]')) ?? '', new RegExp(m['signIn.resendIn'].replace('{seconds}', '\\d+')));
      await shot(page, `resident-sign-in-no-tries-left.${lang}`);
      await context.close();
    });

    it(`says a code went less than a minute ago when the phone asks again, and signs in with it (${lang})`, { timeout: 90_000 }, async () => {
      const person = lang === 'zh-CN' ? resident('冯秀兰', '33010619770101010', '13858001211') : resident('韩立新', '33010619800202011', '13858001212');
      await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      const context = await phoneContext(lang);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/sign-in`);
      await page.fill('input[name=phone]', person.phone!);
      await page.click('button[type=submit]');
      const code = await shownCode(page);
      // The app closed and opened again within the minute: the phone asks for a code again, having tried nothing.
      await page.reload();
      await page.fill('input[name=phone]', person.phone!);
      await page.click('button[type=submit]');
      const notice = page.locator('[data-reason=code-just-sent]');
      await notice.waitFor();
      assert.equal((await notice.textContent())?.trim(), m['problem.too-many-requests.code-just-sent']);
      await shot(page, `resident-sign-in-code-just-sent.${lang}`);
      await page.fill('input[name=code]', code);
      await page.click('button[type=submit]');
      await page.locator('[data-testid=code-card]').waitFor();
      await context.close();
    });

    it(`goes straight back to sign-in with the phone filled in when the session has ended, and reopens it unseen while the phone is remembered (${lang})`, { timeout: 90_000 }, async () => {
      const person = lang === 'zh-CN' ? resident('李桂英', '33010619550830006', '13858001205') : resident('赵志明', '33010619830111007', '13858001206');
      const { id } = await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      await server.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const { context, page, firstCode } = await signedInRemembered(lang, person);

      // The session ends (its hour is over): the remembered phone opens a new one, and the code shows, no "sign in again".
      await endSession(page, id);
      await page.reload();
      await page.locator('[data-testid=code-card]').waitFor();
      assert.equal(await page.locator('[data-testid=code-retry]').count(), 0);

      // Signed out from elsewhere too (the device itself): back at sign-in, told why, the phone filled in.
      const device = JSON.parse((await page.evaluate("localStorage.getItem('healthcode.resident.device')")) as string) as { id: string };
      await server.ctx.stores.rememberedDevices.revoke(device.id, Date.now());
      await page.reload();
      const ended = page.locator('[data-testid=session-ended]');
      await ended.waitFor();
      assert.equal(await ended.textContent(), m['signIn.ended']);
      assert.equal(await page.inputValue('input[name=phone]'), person.phone);
      assert.equal(await page.locator('[data-testid=code-retry]').count(), 0);
      await assertAccessible(page, `session ended ${lang}`);
      await shot(page, `resident-session-ended.${lang}`);
      // One tap asks for a new code. (Sessions end an hour or more after sign-in, when the daily
      // purge has taken the first code and the minute between codes is long over: so here.)
      await server.ctx.stores.signIn.deleteSignInCodesBefore(Date.now() + HOUR_MS);
      await page.click('button[type=submit]');
      const secondCode = await shownCode(page);
      assert.notEqual(secondCode, firstCode);
      await page.fill('input[name=code]', secondCode);
      await page.click('button[type=submit]');
      await page.locator('[data-testid=code-card]').waitFor();
      await context.close();
    });

    it(`keeps the phone signed in when the server is too busy to reopen its session, and reopens it when asked to try again (${lang})`, { timeout: 90_000 }, async () => {
      const person = lang === 'zh-CN' ? resident('孙美玲', '33010619740315012', '13858001213') : resident('吴国栋', '33010619690622013', '13858001214');
      const { id } = await server.services.residents.register(person, { phoneVerifiedAt: Date.now() });
      await server.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const { context, page } = await signedInRemembered(lang, person);
      const device = (await page.evaluate("localStorage.getItem('healthcode.resident.device')")) as string;

      // The session ends at the rush hour: the server sheds the reopening with a 503, as it does when overloaded
      // mid-request (a write may have started, so the app does not send it again by itself).
      await endSession(page, id);
      await page.route('**/api/v1/sign-in/refresh', (route) =>
        route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: '/problems/unavailable', title: 'Service Unavailable', status: 503, detail: 'the database is busy' }) }),
      );
      await page.reload();
      const unreached = page.locator('[data-testid=reopen-unreached]');
      await unreached.waitFor();
      assert.match((await unreached.textContent()) ?? '', new RegExp(m['signIn.stillRemembered'].slice(0, 8)));
      assert.equal(await page.evaluate("localStorage.getItem('healthcode.resident.device')"), device, 'the remembered phone is kept');
      await assertAccessible(page, `reopen unreached ${lang}`);
      await shot(page, `resident-reopen-unreached.${lang}`);

      // The server is back: one tap reopens the session and shows the code, no SMS code asked for.
      await page.unroute('**/api/v1/sign-in/refresh');
      await page.click('[data-testid=reopen-retry]');
      await page.locator('[data-testid=code-card]').waitFor();
      assert.equal(await page.locator('[data-testid=session-ended]').count(), 0);
      await context.close();
    });

    it(`confirms each step of an identity reclaim in the console, and the account that held the number sees it returned in Me (${lang})`, { timeout: 120_000 }, async () => {
      const holder = lang === 'zh-CN' ? resident('吴静', '33010619930306008', '13858001207') : resident('郑海峰', '33010619870419009', '13858001208');
      // Someone registered her ID number first, on his own phone.
      const squatter = await server.services.residents.register({ ...holder, name: '冒用者', phone: lang === 'zh-CN' ? '13858001209' : '13858001210' }, { phoneVerifiedAt: Date.now() });
      const squatterSession = asTheAppKeepsIt(await server.services.signIn.sessionFor(squatter.id, Date.now()));
      const asked = await fetch(`${server.url}/api/v1/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: holder.phone }) });
      const { ticket } = (await asked.json()) as { ticket: string };
      const [sms] = await server.ctx.stores.outbox.list(1, `+86${holder.phone}`);
      const taken = await fetch(`${server.url}/api/v1/residents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...holder, code: /\b(\d{6})\b/.exec(sms!.body)![1], ticket }) });
      assert.equal(taken.status, 409);

      // His Me screen, open before the reclaim is settled, shows the number as his.
      const squatterContext = await phoneContext(lang, { 'healthcode.resident.session': squatterSession });
      const squatterPage = await squatterContext.newPage();
      await squatterPage.goto(`${server.url}/resident/#/data`);
      const idNumber = squatterPage.locator('[data-testid=my-id-number]');
      await idNumber.waitFor();
      assert.equal(await idNumber.getAttribute('data-revoked'), 'false');

      const first = await server.services.staff.create('西湖区卫健局 林科长', 'authority');
      const second = await server.services.staff.create('西湖区卫健局 何主任', 'authority');
      async function officer(token: string) {
        const context = await browser.newContext({ ...DESK, locale: lang });
        await seedStorage(context, { 'healthcode.lang': lang });
        const page = await context.newPage();
        await page.goto(`${server.url}/console/`);
        await page.fill('input[name=credential]', token);
        await page.click('button[type=submit]');
        await page.click('a[data-section=reclaims]');
        return { context, page };
      }
      async function check(page: Page, action: string) {
        const item = page.locator('li[data-reclaim]').first();
        await item.locator('input[name=document]').fill(lang === 'en' ? 'Resident ID card' : '居民身份证');
        await item.locator('input[name=reference]').fill(lang === 'en' ? 'Xihu service point, desk 3' : '西湖区政务服务中心 3 号窗口');
        await item.locator('textarea[name=note]').fill(lang === 'en' ? 'Card and holder seen in person; photo matches' : '现场查验证件原件，人证一致');
        await item.locator(`button:has-text("${action}")`).click();
      }

      const proposer = await officer(first.token);
      await check(proposer.page, m['reclaims.propose']);
      const proposed = proposer.page.locator('[data-testid=reclaim-outcome][data-step=proposed]');
      await proposed.waitFor();
      assert.equal(await proposed.textContent(), m['reclaims.proposedDone']);
      await assertAccessible(proposer.page, `reclaim proposed ${lang}`);
      await shot(proposer.page, `console-reclaim-proposed.${lang}`);

      const approver = await officer(second.token);
      await check(approver.page, m['reclaims.approve']);
      const approved = approver.page.locator('[data-testid=reclaim-outcome][data-step=approved]');
      await approved.waitFor();
      const maskedHolder = lang === 'zh-CN' ? '吴*' : '郑*峰';
      assert.equal(await approved.textContent(), m['reclaims.approvedDone'].replace('{name}', maskedHolder));
      await shot(approver.page, `console-reclaim-approved.${lang}`);

      // Back on his phone, Me shows what the server now says: the number was returned to its holder.
      await squatterPage.click('a[data-tab=code]');
      await squatterPage.locator('[data-testid=code-card][data-colour=gray]').waitFor();
      await squatterPage.click('a[data-tab=data]');
      await squatterPage.locator('[data-testid=my-id-number][data-revoked=true]').waitFor();
      assert.ok(((await idNumber.textContent()) ?? '').includes(m['data.idReturned']));
      assert.equal(await squatterPage.locator('[data-testid=identity-returned]').textContent(), m['data.idReturnedNote']);
      await assertAccessible(squatterPage, `me after reclaim ${lang}`);
      await shot(squatterPage, `resident-me-identity-returned.${lang}`);
      for (const c of [squatterContext, proposer.context, approver.context]) await c.close();
    });
  }
});
