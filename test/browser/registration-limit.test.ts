import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { formatTime } from '../../web/src/shared/format.js';
import { MESSAGES, type Lang } from '../../web/src/shared/messages.js';
import { assertAccessible } from '../support/axe.js';
import { seedStorage } from '../support/browser-storage.js';
import { withCheck } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

/**
 * Registering from a network that has registered as often as an hour allows: the app says so in
 * the person's language and when to try again (the server's Retry-After as a time of day), as the
 * sign-in says when a new code may be asked for.
 */

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };

/** Residents of Yuhang, one per language, each registering from the same busy network. */
const PEOPLE: Record<Lang, { name: string; idNumber: string; phone: string }> = {
  'zh-CN': { name: '郑秀英', idNumber: withCheck('33011019920404031'), phone: '13858001231' },
  en: { name: '何建华', idNumber: withCheck('33011019870707032'), phone: '13858001232' },
  'zh-Hant': { name: '許美華', idNumber: withCheck('33011019830909033'), phone: '13858001233' },
};

describe('the registration limit, said with when to try again', () => {
  let server: WebServer;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    // No registration at all from this address within the hour: the first one already reaches the limit.
    server = await startWebServer({ protection: { limits: { ...DEFAULT_LIMITS, registrationsPerAddressPerHour: 1 } } });
    browser = await launchChromium();
    // Someone else on the same network registered a moment ago, with the code sent to their phone (a form
    // refused, or sent with a wrong code, counts for nobody).
    const neighbour = { name: '钱卫东', idType: 'resident_id', idNumber: withCheck('33011019760505034'), phone: '13858001234', address: { region: '330110', detail: '文一西路 1818 号 3 幢 401 室' } };
    const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/api/v1/residents', {})).status, 400);
    assert.equal((await post('/api/v1/sign-in/code', { phone: neighbour.phone })).status, 202);
    const code = (await server.ctx.stores.outbox.list(10, '+8613858001234')).map((m) => /\b(\d{6})\b/.exec(m.body)?.[1]).find((c) => c !== undefined);
    assert.equal((await post('/api/v1/residents', { ...neighbour, code })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'en', 'zh-Hant'] as const) {
    it(`tells a resident registering from a network at its limit when to try again (${lang})`, { timeout: 90_000 }, async () => {
      const m = MESSAGES[lang];
      const person = PEOPLE[lang];
      const context = await browser.newContext({ ...PHONE, locale: lang });
      await seedStorage(context, { 'healthcode.lang': lang });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/register`);
      await page.fill('input[name=name]', person.name);
      await page.fill('input[name=idNumber]', person.idNumber);
      await page.fill('.region-picker input', '330110');
      await page.click('.region-options button:has-text("330110")');
      await page.fill('input[name=addressDetail]', '文一西路 1818 号 3 幢 402 室');
      await page.fill('input[name=phone]', person.phone);
      await page.click('[data-testid=send-code]');
      const code = /\b(\d{6})\b/.exec((await page.locator('[data-testid=demo-sms]').textContent()) ?? '')?.[1];
      assert.ok(code);
      await page.fill('input[name=code]', code);
      await page.check('input[name=consent]');
      const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/residents') && r.request().method() === 'POST');
      await page.click('button[type=submit]');
      const answer = await asked;
      assert.equal(answer.status(), 429);
      const retryAfter = Number(answer.headers()['retry-after']);
      assert.ok(retryAfter > 60 && retryAfter <= 3600, `Retry-After ${retryAfter}`);

      const notice = page.locator('[data-reason=too-many-registrations]');
      await notice.waitFor();
      const text = ((await notice.textContent()) ?? '').trim();
      const [before] = m['problem.too-many-requests.too-many-registrations'].split('{tryAgain}');
      assert.ok(text.startsWith(before!), text);
      // The time is the refusal's Retry-After from now, as the app writes a time of day (a second or two either way).
      const expected = Date.now() + retryAfter * 1000;
      const near = [-2, -1, 0, 1].map((s) => formatTime(new Date(expected + s * 1000).toISOString(), lang));
      assert.ok(near.some((time) => text.includes(m['problem.tryAgainAt'].replace('{time}', time))), `${text} does not say about ${near[2]}`);
      assert.ok(text.includes(m['problem.tryAgainAt'].split('{time}')[0]!), text);
      await assertAccessible(page, `registration limit, ${lang}`);
      await notice.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENS, `resident-register-limit.${lang}.png`) });
      await context.close();
    });
  }
});
