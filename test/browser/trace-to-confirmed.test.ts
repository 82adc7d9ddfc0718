import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { GRANDMA_ZHANG, LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const DESK = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
type Lang = 'zh-CN' | 'en';

/**
 * Each language traces its own case: a case, a contact with a phone, and the contact's grandmother,
 * a household member without one, whose grandchild holds the phone for her.
 */
function castFor(lang: Lang) {
  if (lang === 'zh-CN') return { case: ZHANG_WEI, contact: LIU_FANG, grandma: GRANDMA_ZHANG, contactE164: '+8615067891234' };
  return {
    case: { ...ZHANG_WEI, name: '周建华', idNumber: withCheck('33011019790512003'), phone: '13912340001' },
    contact: { ...LIU_FANG, name: '吴晓燕', idNumber: withCheck('33010619930807004'), phone: '15067890002' },
    grandma: { ...GRANDMA_ZHANG, name: '吴桂英', idNumber: withCheck('33011019420303002') },
    contactE164: '+8615067890002',
  };
}

/** Serious and critical WCAG 2 A/AA problems axe-core finds on the screen as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
}

async function shoot(page: Page, name: string, lang: Lang): Promise<void> {
  assert.deepEqual(await accessibilityProblems(page), [], `${name}.${lang}`);
  await picture(page, name, lang);
}

/** The whole page from its top: the console's bar stays put while it scrolls, and would cover a card. */
async function picture(page: Page, name: string, lang: Lang): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENS, `${name}.${lang}.png`), fullPage: true });
}

describe('trace to confirmed, in the console, without copying an id', () => {
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

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`finds the case by ID number, traces, confirms after the count, and the grandmother turns red with an SMS to her grandchild (${lang})`, { timeout: 120_000 }, async () => {
      const s = server.services;
      const cast = castFor(lang);
      // The case and the contact proved their phones; the grandchild added the grandmother.
      const proved = { phoneVerifiedAt: Date.now() };
      const zhang = await s.residents.register(cast.case, proved);
      const liu = await s.residents.register(cast.contact, proved);
      const grandma = await s.residents.addDependent(liu.id, { ...cast.grandma, relationship: 'grandparent' });
      for (const id of [zhang.id, liu.id, grandma.id]) await s.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const venue = await s.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' });
      await s.scans.visit(zhang.id, venue.id, `visit-case-${lang}`);
      await s.scans.visit(liu.id, venue.id, `visit-contact-${lang}`);
      await s.scans.visit(grandma.id, venue.id, `visit-grandma-${lang}`);
      const cases = (async function* () {
        yield { line: 2, record: { phone: cast.case.phone, status: 'confirmed', date: new Date().toISOString() } };
      })();
      assert.equal((await s.authority.import('cases', cases)).accepted, 1);
      // The Hangzhou officer holds a trace grant for the investigation, given before the flow.
      const officer = await s.staff.create('杭州市疾控中心 王主任', 'authority', '330100');
      await s.audit.grant({ ...officer, role: 'authority' }, { staffId: officer.id, scope: 'trace', purpose: lang === 'en' ? 'Case 2026-0413 investigation' : '确诊病例 2026-0412 流调', residentId: null, hours: 24 });
      assert.equal(await server.ctx.stores.decisions.colourOf(grandma.id), 'green', 'the grandmother is green before the trace');

      const context = await browser.newContext({ ...DESK, locale: lang });
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.console.staff': { token: officer.token, id: officer.id, name: officer.name, role: 'authority' } });
      await meterTaps(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/traces`);
      await page.locator('select[name=grant]').waitFor();

      // A mistyped ID number is named at the search box, in the screen's language (before the flow is timed).
      const typo = cast.case.idNumber.slice(0, 17) + (cast.case.idNumber.endsWith('1') ? '2' : '1');
      await page.fill('input[name=query]', typo);
      await page.click('form[role=search] button[type=submit]');
      const fieldMessage = page.locator('.field-message');
      await fieldMessage.waitFor();
      assert.match(await fieldMessage.innerText(), lang === 'en' ? /last character doesn't match/ : /校验码不符/);
      await shoot(page, 'console-trace-search-typo', lang);
      // A name that is no recent case finds no one, and the screen says what a name search covers (not "deleted").
      await page.fill('input[name=query]', cast.contact.name);
      await page.click('form[role=search] button[type=submit]');
      const noMatch = page.locator('.notice-error[data-reason=no-match]');
      await noMatch.waitFor();
      assert.match(await noMatch.innerText(), lang === 'en' ? /by name, only cases of the last 28 days/ : /按姓名只查找近 28 天的病例/);
      await page.fill('input[name=query]', '');

      // Timed from here. Screenshots in the flow are plain ones; the axe check of each state runs
      // where the screen stays (the preview, before it is answered, and the final page).
      const flow = await startFlow(`trace to confirmed (${lang})`, [page]);
      // The officer finds the case by ID number: masked, with what can be done.
      await page.fill('input[name=query]', cast.case.idNumber);
      await page.click('form[role=search] button[type=submit]');
      const found = page.locator('li.found').first();
      await found.waitFor();
      const foundText = await found.innerText();
      assert.match(foundText, new RegExp(`${cast.case.name[0]}\\*`));
      assert.ok(!foundText.includes(cast.case.idNumber) && !foundText.includes(zhang.id), 'masked, and no id to copy');
      assert.match(foundText, lang === 'en' ? /Case/ : /病例/);
      await picture(page, 'console-trace-found', lang);
      // Opens the timeline: the mall visit is there.
      await found.locator('button').click();
      await page.locator('#case-timeline .timeline li').first().waitFor();
      assert.match(await page.locator('#case-timeline').innerText(), /西溪印象城/);
      await picture(page, 'console-trace-timeline', lang);
      // Traces over the last 14 days: both contacts, with the evidence.
      await page.click('#open-trace button[type=submit]');
      const contacts = page.locator('[data-testid=trace-contacts] tbody tr');
      await contacts.first().waitFor();
      assert.equal(await contacts.count(), 2);
      assert.match(await page.locator('[data-testid=trace-contacts]').innerText(), new RegExp(`${cast.grandma.name[0]}\\*${cast.grandma.name.at(-1)}`));
      // Confirming asks first, with the server's count of who turns which colour.
      await page.click(`button:has-text("${lang === 'en' ? 'Confirm contacts and re-decide' : '确认接触者并重新判定'}")`);
      const preview = page.locator('[data-testid=trace-preview]');
      await preview.waitFor();
      const previewText = await preview.innerText();
      assert.match(previewText, lang === 'en' ? /marks 2 contacts; 2 of them will change colour/ : /标记 2 名接触者，其中 2 人的颜色会改变/);
      assert.match(previewText, lang === 'en' ? /Green\s*→\s*Red\s*2/ : /绿码\s*→\s*红码\s*2/);
      assert.equal(await server.ctx.stores.decisions.colourOf(grandma.id), 'green', 'nothing changes before the officer says yes');
      await shoot(page, 'console-trace-preview', lang);
      await preview.locator('button.danger').click();
      const outcome = page.locator('[data-testid=trace-outcome]');
      await outcome.waitFor();
      const measured = await flow.end();
      const outcomeText = await outcome.innerText();
      assert.match(outcomeText, lang === 'en' ? /2 contacts confirmed; 2 changed colour/ : /已确认 2 名接触者，2 人颜色改变/);
      // The whole page as it stands: the search result, the timeline, the contacts and the outcome.
      await shoot(page, 'console-trace-confirmed', lang);
      process.stdout.write(`# measured ${JSON.stringify(measured)}\n`);
      // Before: 40 taps and 6 copy-pastes of 36-character ids. Now: type the ID number, then five clicks.
      assert.equal(measured.taps, 6, `trace to confirmed took ${measured.taps} taps`);

      // The grandmother is red, and her grandchild's phone was told of it as well as of her own.
      assert.equal(await server.ctx.stores.decisions.colourOf(grandma.id), 'red');
      assert.equal(await server.ctx.stores.decisions.colourOf(liu.id), 'red');
      const texts = (await server.ctx.stores.outbox.list(20, cast.contactE164)).map((m) => m.body).filter((b) => /红码|now red/.test(b));
      assert.equal(texts.length, 2, `two SMS to the grandchild's phone, hers and her grandmother's: ${JSON.stringify(texts)}`);
      assert.match(await page.locator('[data-testid=trace-notified]').innerText(), lang === 'en' ? /: 2\./ : /通知 2 人/);
      await context.close();
    });
  }
});
