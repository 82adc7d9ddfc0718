import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible } from '../support/axe.js';
import { DAY_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';
import { formatDate } from '../../web/src/shared/format.js';
import { MESSAGES } from '../../web/src/shared/messages.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
/** A 390-pixel phone zoomed to 200%, as in the zoom test: 195 CSS pixels of width. */
const PHONE_AT_200 = { viewport: { width: 195, height: 422 }, deviceScaleFactor: 2, timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };

describe('elder mode (适老化): larger text, the code alone, one button to the family', () => {
  let server: WebServer;
  let browser: Browser;
  let session: unknown;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    await server.services.residents.register(ZHANG_WEI);
    await server.services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, '+8613912345678');
    session = asTheAppKeepsIt(await server.services.signIn.verifySignInCode(ZHANG_WEI.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(lang: string, options: typeof PHONE, signedIn: boolean): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...options, locale: lang });
    const saved = [['healthcode.lang', lang], ...(signedIn ? [['healthcode.resident.session', JSON.stringify(session)]] : [])];
    // Only on the first load: a reload must show what the page itself saved.
    await seedStorage(context, saved, { once: true });
    return { context, page: await context.newPage() };
  }

  it('is switched on from the sign-in screen and stays on when the app is opened again', { timeout: 60_000 }, async () => {
    const { context, page } = await open('zh-CN', PHONE, false);
    await page.goto(`${server.url}/resident/#/sign-in`);
    const fontBefore = await page.evaluate<number>('parseFloat(getComputedStyle(document.body).fontSize)');
    await page.getByRole('button', { name: '长辈模式' }).click();
    assert.equal(await page.getByTestId('elder-switch').getAttribute('aria-pressed'), 'true');
    const fontAfter = await page.evaluate<number>('parseFloat(getComputedStyle(document.body).fontSize)');
    assert.ok(fontAfter >= fontBefore * 1.3, `text grew from ${fontBefore}px only to ${fontAfter}px`);
    await page.screenshot({ path: join(SCREENS, 'elder-sign-in.zh-CN.png') });
    await page.reload();
    await page.getByTestId('elder-switch').waitFor();
    assert.equal(await page.getByTestId('elder-switch').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate<boolean>("document.documentElement.classList.contains('elder')"), true);
    await assertAccessible(page, 'elder sign-in, zh-CN');
    await context.close();
  });

  it('shows the code, its colour and the clock alone, and calls the number the resident sets', { timeout: 60_000 }, async () => {
    const { context, page } = await open('zh-CN', PHONE, true);
    await page.goto(`${server.url}/resident/#/code`);
    await page.waitForSelector('[data-testid=code-card] canvas');
    assert.equal(await page.getByRole('button', { name: '为什么是这个颜色？' }).count(), 1, 'the full screen first');
    await page.getByTestId('elder-switch').click();
    await page.waitForSelector('.code-elder');
    assert.equal(await page.getByRole('button', { name: '为什么是这个颜色？' }).count(), 0, 'the ways on are gone from the first screen');
    assert.equal(await page.locator('.tabbar').isVisible(), false, 'the tab bar is gone from the first screen');
    assert.ok(await page.locator('.code-elder .live-time').isVisible(), 'the clock is shown');
    assert.ok(await page.locator('.code-elder .badge-large').isVisible(), 'the colour is shown');

    // No number yet: the field to set one, which refuses what is not a phone number, by name.
    await page.getByTestId('family-phone').fill('妈妈');
    await page.getByTestId('save-family-phone').click();
    assert.match(await page.locator('.family-phone-form .field-message').innerText(), /家人的电话号码/);
    assert.equal(await page.getByTestId('call-family').count(), 0);
    await page.getByTestId('family-phone').fill('139 1234 5678');
    await page.getByTestId('save-family-phone').click();
    assert.equal(await page.getByTestId('call-family').getAttribute('href'), 'tel:13912345678');
    await page.screenshot({ path: join(SCREENS, 'elder-code.zh-CN.png') });
    await assertAccessible(page, 'elder code, zh-CN');

    // Remembered on the device: opened again, the same button.
    await page.reload();
    await page.waitForSelector('.code-elder canvas');
    assert.equal(await page.getByTestId('call-family').getAttribute('href'), 'tel:13912345678');

    // Switched off: the full screen and its tabs are back.
    await page.getByTestId('elder-switch').click();
    await page.getByRole('button', { name: '为什么是这个颜色？' }).waitFor();
    assert.ok(await page.locator('.tabbar').isVisible());
    await context.close();
  });

  it("never sends the family's phone number to the server: it stays on the phone that set it", { timeout: 60_000 }, async () => {
    const { context, page } = await open('en', PHONE, true);
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''} ${JSON.stringify(request.headers())}`));
    await page.goto(`${server.url}/resident/#/code`);
    await page.waitForSelector('[data-testid=code-card] canvas');
    await page.getByTestId('elder-switch').click();
    await page.getByTestId('family-phone').fill('+86 150 6789 1234');
    await page.getByTestId('save-family-phone').click();
    await page.getByTestId('call-family').waitFor();
    // The app goes on working (the code reloads when looked at again): still nothing carries the number.
    await page.reload();
    await page.waitForSelector('.code-elder canvas');
    assert.ok(sent.length > 0, 'the page made no request at all');
    for (const request of sent) assert.doesNotMatch(request, /15067891234|150%20?6789/, request.slice(0, 120));
    await context.close();
  });

  /** A resident signed in as the app keeps it, green (declared, nowhere risky) or red (back from Wuchang, listed high-risk). */
  async function residentSession(person: RegistrationInput, colour: 'green' | 'red'): Promise<unknown> {
    const s = server.services;
    const { id } = await s.residents.register(person);
    const now = Date.now();
    const stays = colour === 'red' ? [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }] : [];
    await s.declarations.declare(id, { stays, contacts: [], symptoms: [], temperature: 36.6 });
    if (colour === 'red') await s.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    await s.signIn.requestSignInCode(person.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, `+86${person.phone!}`);
    return asTheAppKeepsIt(await s.signIn.verifySignInCode(person.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
  }

  for (const [colour, person] of [
    ['green', { ...ZHANG_WEI, name: '孙淑珍', idNumber: withCheck('33011019480301002'), phone: '13800138781' }],
    ['red', { ...ZHANG_WEI, name: '周玉兰', idNumber: withCheck('33011019500505002'), phone: '13800138782' }],
  ] as const) {
    it(`shows the family number's hint and refusal readably on a ${colour} code (its own light surface, AA contrast)`, { timeout: 60_000 }, async () => {
      const signedIn = await residentSession(person, colour);
      const context = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
      await seedStorage(context, { 'healthcode.lang': 'zh-CN', 'healthcode.resident.session': signedIn, 'healthcode.resident.elder': '{"on":true}' });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('.code-elder canvas');
      assert.equal(await page.getByTestId('code-card').getAttribute('data-colour'), colour);
      await page.getByTestId('family-phone').fill('妈妈');
      await page.getByTestId('save-family-phone').click();
      const error = page.locator('.family-phone-form .field-message');
      assert.match(await error.innerText(), /家人的电话号码/);
      assert.ok(await page.locator('.family-phone-form .field-hint').isVisible(), 'the hint is shown beside the error');
      // The form is not drawn on the code's colour: what is behind hint and error is the light surface.
      const behind = await page.evaluate<string>("getComputedStyle(document.querySelector('.family-phone-form')).backgroundColor");
      assert.equal(behind, 'rgb(255, 255, 255)');
      await page.screenshot({ path: join(SCREENS, `elder-family-error.${colour}.zh-CN.png`) });
      await assertAccessible(page, `elder family number refused on a ${colour} code, zh-CN`);
      await context.close();
    });
  }

  it('lands at the top of the code after signing in at 200% zoom, the QR in view, not where the sign-in form was scrolled', { timeout: 60_000 }, async () => {
    // Someone not asked a code for yet today: the sign-in's own limits do not get in the way.
    const phone = '13800138783';
    await server.services.residents.register({ ...ZHANG_WEI, name: '吴秀兰', idNumber: withCheck('33011019520808002'), phone });
    const { context, page } = await open('zh-CN', PHONE_AT_200, false);
    await page.goto(`${server.url}/resident/#/sign-in`);
    await page.getByTestId('elder-switch').click();
    await page.fill('input[name=phone]', phone);
    await page.click('button[type=submit]');
    await page.locator('input[name=code]').waitFor();
    const [sms] = await server.ctx.stores.outbox.list(1, `+86${phone}`);
    await page.fill('input[name=code]', /\b(\d{6})\b/.exec(sms!.body)![1]!);
    await page.locator('input[name=code]').scrollIntoViewIfNeeded();
    assert.ok((await page.evaluate<number>('scrollY')) > 0, 'the sign-in form was scrolled, as at 200% zoom it must be');
    await page.click('button[type=submit]');
    await page.waitForSelector('.code-elder canvas');
    // Give the heading's focus its turn: it must not scroll past the code either.
    // A function, not a string: polling a string needs eval, which the apps' CSP refuses.
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName === 'H2');
    assert.equal(await page.evaluate<number>('scrollY'), 0);
    const qr = await page.locator('.qr-frame').boundingBox();
    assert.ok(qr && qr.y >= 0 && qr.y < 422, `the QR is at ${JSON.stringify(qr)}, out of a 422-pixel-high view`);
    await page.screenshot({ path: join(SCREENS, 'elder-after-sign-in-zoom-200.zh-CN.png') });
    await context.close();
  });

  for (const [lang, call] of [['en', 'Call my family'], ['zh-Hant', '打電話給家人']] as const) {
    it(`fits a phone zoomed to 200% with its larger text, every part readable and nothing wider than the screen, in ${lang}`, { timeout: 60_000 }, async () => {
      const { context, page } = await open(lang, PHONE_AT_200, true);
      await seedStorage(context, { 'healthcode.resident.elder': { on: true, familyPhone: '+85291234567' } });
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('.code-elder canvas');
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      const qr = await page.locator('.qr-frame').boundingBox();
      assert.ok(qr && qr.x >= 0 && qr.x + qr.width <= 195.5 && qr.width >= 120, `the QR is ${JSON.stringify(qr)}`);
      await page.screenshot({ path: join(SCREENS, `elder-code-zoom-200.${lang}.png`), fullPage: true });
      const button = page.getByTestId('call-family');
      assert.match(await button.innerText(), new RegExp(call));
      assert.equal(await button.getAttribute('href'), 'tel:+85291234567');
      await assertAccessible(page, `elder code at 200%, ${lang}`);
      await context.close();
    });
  }

  /** Beijing's calendar date `daysAgo` days back, as YYYY-MM-DD. */
  const beijingDate = (daysAgo: number) => new Date(Date.now() + 8 * 3_600_000 - daysAgo * DAY_MS).toISOString().slice(0, 10);

  for (const [lang, person, reason] of [
    ['zh-CN', { ...ZHANG_WEI, name: '钱桂芳', idNumber: withCheck('33011019460202004'), phone: '13800138791' }, '您在 7 天内是密切接触者的接触者，或接触过疑似病例。'],
    ['en', { ...ZHANG_WEI, name: '陆阿根', idNumber: withCheck('33011019440404005'), phone: '13800138792' }, 'In the last 7 days you were a contact of a close contact, or in contact with a suspected case.'],
    ['zh-Hant', { ...ZHANG_WEI, name: '葉美玲', idNumber: withCheck('33011019470606006'), phone: '13800138793' }, '您在 7 天內是密切接觸者的接觸者，或接觸過疑似病例。'],
  ] as const) {
    it(`shows a yellow code's reason, its date to green and the check-in, the family's button in view without scrolling, and checks in from there (${lang})`, { timeout: 90_000 }, async () => {
      const s = server.services;
      const { id } = await s.residents.register(person, { phoneVerifiedAt: Date.now() });
      // Near a suspected case two days ago: yellow, home quarantine with daily check-ins.
      await s.declarations.declare(id, { stays: [], contacts: [{ kind: 'suspected', date: beijingDate(2) }], symptoms: [], temperature: 36.6 });
      const context = await browser.newContext({ ...PHONE, locale: lang });
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': asTheAppKeepsIt(await s.signIn.sessionFor(id, Date.now())), 'healthcode.resident.elder': { on: true, familyPhone: '13912345678' } }, { once: true });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('.code-elder canvas');
      const m = MESSAGES[lang];
      assert.equal(await page.getByTestId('code-card').getAttribute('data-colour'), 'yellow');
      assert.equal((await page.getByTestId('elder-reason').textContent())?.trim(), reason);
      const greenOn = (await s.decisions.decide(id, 'test reads the date to green')).greenOn;
      assert.ok(greenOn);
      assert.equal(await page.getByTestId('green-on').textContent(), m['code.greenOn'].replace('{date}', formatDate(new Date(greenOn).toISOString(), lang)));
      // The family's button lies wholly on the first screen, unscrolled.
      assert.equal(await page.evaluate<number>('scrollY'), 0);
      const call = await page.getByTestId('call-family').boundingBox();
      assert.ok(call && call.y >= 0 && call.y + call.height <= PHONE.viewport.height, `the family's button is at ${JSON.stringify(call)}, out of an 844-pixel-high view`);
      await page.screenshot({ path: join(SCREENS, `elder-code-yellow.${lang}.png`) });
      await page.screenshot({ path: join(SCREENS, `elder-code-yellow-whole.${lang}.png`), fullPage: true });
      await assertAccessible(page, `elder yellow code, ${lang}`);

      // The day's check-in, from the code screen, to what it recorded.
      await page.getByTestId('elder-check-in').click();
      await page.fill('input[name=temperature]', '36.7');
      await page.click(`button:has-text("${m['checkIn.submit']}")`);
      const result = page.getByTestId('check-in-result');
      await result.waitFor();
      assert.ok(((await result.textContent()) ?? '').includes(m['colour.yellow']));
      await page.screenshot({ path: join(SCREENS, `elder-check-in-done.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
