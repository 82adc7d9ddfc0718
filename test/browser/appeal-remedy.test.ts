import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DAY_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { withCheck } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const DESK = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
type Lang = 'zh-CN' | 'en';

/** Residents of Yuhang back from Wuchang, one per story and language: real-looking, fictional. */
const person = (name: string, id17: string, phone: string): RegistrationInput => ({ name, idType: 'resident_id', idNumber: withCheck(id17), phone, address: { region: '330110', detail: '五常街道联胜路 10 号 2 幢 302 室' } });
const PEOPLE: Record<Lang, { appeal: RegistrationInput; correction: RegistrationInput }> = {
  'zh-CN': { appeal: person('王建国', '33011019790312001', '13957100001'), correction: person('陈晓红', '33011019860521002', '13957100002') },
  en: { appeal: person('周志强', '33011019750808003', '13957100003'), correction: person('吴丽娟', '33011019920117004', '13957100004') },
};
const e164 = (p: RegistrationInput) => `+86${p.phone}`;

async function problems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** Every screen this story adds or changes is checked by axe and photographed. */
async function shoot(page: Page, name: string, lang: Lang): Promise<void> {
  assert.deepEqual(await problems(page), [], `${name}.${lang}`);
  await page.screenshot({ path: join(SCREENS, `${name}.${lang}.png`), fullPage: true });
}

const T = {
  'zh-CN': { why: '为什么是这个颜色？', appealLink: '认为颜色有误？提出申诉', submit: '提交申诉', propose: '申诉成立：提出更正', send: '答复并提交更正审批', approve: '批准', pending: /您的申诉成立。已提出将健康码更正为绿码，须另一名工作人员批准后才生效/, corrected: /您的健康码已更正，现为绿码/, green: /绿码/ },
  en: { why: 'Why this colour?', appealLink: 'Think this colour is wrong? Appeal', submit: 'Send appeal', propose: 'Appeal is right: propose a correction', send: 'Answer and send the correction for approval', approve: 'Approve', pending: /Your appeal was upheld\. A correction to Green has been proposed and needs a second officer's approval/, corrected: /Your code was corrected\. It is Green now/, green: /Green/ },
} as const;

describe('an appeal and the correction it leads to, in a real browser, measured', () => {
  let server: WebServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  async function contextFor(lang: Lang, size: typeof PHONE, saved: Record<string, unknown> = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ ...size, locale: lang });
    const entries = Object.entries({ 'healthcode.lang': lang, ...saved }).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
    await seedStorage(context, entries);
    await meterTaps(context);
    contexts.push(context);
    return context;
  }

  /** A resident back from Wuchang, red once it was listed high-risk, signed in on her phone. */
  async function redResidentPhone(p: RegistrationInput, lang: Lang): Promise<{ id: string; page: Page }> {
    const { id } = await server.services.residents.register(p);
    await server.services.signIn.requestSignInCode(p.phone!);
    const [sms] = await server.ctx.stores.outbox.list(1, e164(p));
    const session = asTheAppKeepsIt(await server.services.signIn.verifySignInCode(p.phone!, /\b(\d{6})\b/.exec(sms!.body)![1]!));
    const now = Date.now();
    await server.services.declarations.declare(id, { stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.6 });
    await server.services.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    const page = await (await contextFor(lang, PHONE, { 'healthcode.resident.session': session })).newPage();
    await page.goto(`${server.url}/resident/#/code`);
    assert.equal(await page.locator('[data-testid=code-card]').getAttribute('data-colour'), 'red');
    return { id, page };
  }

  /** An officer at the console, signed in with their credential before the story begins. */
  async function officer(name: string, lang: Lang): Promise<Page> {
    const staff = await server.services.staff.create(name, 'authority');
    const page = await (await contextFor(lang, DESK)).newPage();
    await page.goto(`${server.url}/console/`);
    await page.fill('input[name=credential]', staff.token);
    await page.click('button[type=submit]');
    await page.locator('a[data-section=appeals]').waitFor();
    return page;
  }

  /** Officer A upholds the appeal of `maskedName` with a correction to green (the colour asked). */
  async function proposeFromAppeal(page: Page, lang: Lang, maskedName: string, response: string): Promise<void> {
    await page.click('a[data-section=appeals]');
    const appeal = page.locator('li[data-appeal]', { hasText: maskedName });
    await appeal.waitFor();
    await appeal.locator('button[data-mode=propose]').click();
    assert.equal(await appeal.locator('select[name=colour]').inputValue(), 'green', 'pre-filled with the colour the resident asked for');
    await appeal.locator('textarea[name=note]').fill(lang === 'zh-CN' ? '经核实铁路记录，您离开武昌早于该地列为高风险地区。' : 'Rail records show you left Wuchang before it was listed high-risk.');
    await appeal.locator('textarea[name=response]').fill(response);
    await shoot(page, 'console-appeal-propose-correction', lang);
    await appeal.locator('button[type=submit]').click();
    await appeal.waitFor({ state: 'detached' });
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`appeal to answer: the resident appeals from the why screen, an officer upholds it, and she reads that a correction awaits approval (${lang})`, { timeout: 120_000 }, async () => {
      const p = PEOPLE[lang].appeal;
      const { page: phone } = await redResidentPhone(p, lang);
      const wang = await officer('余杭区疾控中心 王主任', lang);
      const flow = await startFlow(`appeal to answer (${lang})`, [phone, wang]);
      await phone.click(`button:has-text("${T[lang].why}")`);
      await phone.click('[data-testid=why-appeal]');
      await phone.fill('textarea[name=message]', lang === 'zh-CN' ? '我 3 天前已离开武昌，那时还没有列为高风险地区。' : 'I left Wuchang three days ago, before it was listed high-risk.');
      await phone.selectOption('select[name=colourAsked]', 'green');
      await phone.click(`button:has-text("${T[lang].submit}")`);
      await phone.locator('li[data-appeal=open]').waitFor();
      await proposeFromAppeal(wang, lang, `${[...p.name][0]}*${[...p.name][2]}`, lang === 'zh-CN' ? '申诉成立，已提出更正。' : 'Your appeal is upheld; a correction was proposed.');
      // The SMS sends her back to the app: she opens it and reads the answer.
      await phone.goto(`${server.url}/resident/#/code`);
      await phone.click(`button:has-text("${T[lang].why}")`);
      await phone.click('[data-testid=why-appeal]');
      const outcome = phone.locator('[data-testid=appeal-outcome]');
      await outcome.waitFor();
      const measured = await flow.end();
      assert.match((await outcome.textContent()) ?? '', T[lang].pending);
      assert.equal(await phone.locator('li[data-appeal=correction-pending]').count(), 1);
      await shoot(phone, 'resident-appeal-correction-pending', lang);
      // Nothing changed yet, and the screen does not say it did.
      await phone.goto(`${server.url}/resident/#/code`);
      assert.equal(await phone.locator('[data-testid=code-card]').getAttribute('data-colour'), 'red');
      process.stdout.write(`# measured ${JSON.stringify(measured)}\n`);
    });

    it(`correction to approved: officer A proposes from the upheld appeal, officer B approves, the resident's code is green and her phone is texted (${lang})`, { timeout: 120_000 }, async () => {
      const p = PEOPLE[lang].correction;
      const { id, page: phone } = await redResidentPhone(p, lang);
      await server.services.appeals.file(id, lang === 'zh-CN' ? '我离开武昌时那里还不是高风险地区。' : 'Wuchang was not high-risk when I left.', 'green');
      const [wang, li] = [await officer('余杭区疾控中心 王主任', lang), await officer('余杭区疾控中心 李医生', lang)];
      const masked = `${[...p.name][0]}*${[...p.name][2]}`;
      const flow = await startFlow(`correction to approved (${lang})`, [phone, wang, li]);
      await proposeFromAppeal(wang, lang, masked, lang === 'zh-CN' ? '申诉成立，已提出更正。' : 'Your appeal is upheld; a correction was proposed.');
      await li.click('a[data-section=corrections]');
      const pending = li.locator('li[data-correction]', { hasText: masked });
      await pending.waitFor();
      await shoot(li, 'console-correction-from-appeal', lang);
      await pending.locator(`button:has-text("${T[lang].approve}")`).click();
      await pending.waitFor({ state: 'detached' });
      // The SMS tells her; she turns back to the app, still open on her code, and it shows the new colour.
      await phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
      const card = phone.locator('[data-testid=code-card][data-colour=green]');
      await card.waitFor();
      const measured = await flow.end();
      assert.match((await card.textContent()) ?? '', T[lang].green);
      await shoot(phone, 'resident-code-corrected', lang);
      const texts = (await server.ctx.stores.outbox.list(20, e164(p))).map((m) => m.body);
      const told = texts.filter((b) => b.includes('健康码已变为绿码'));
      assert.equal(told.length, 1, texts.join('\n'));
      assert.match(told[0]!, /^【健康码】您的健康码已变为绿码。原因：您的记录有误，卫生部门已更正您的颜色。详情：http:\/\/127\.0\.0\.1:\d+\/resident\/$/);
      // Her appeal now reads corrected, in her language.
      await phone.goto(`${server.url}/resident/#/appeal`);
      assert.match((await phone.locator('[data-testid=appeal-outcome]').textContent()) ?? '', T[lang].corrected);
      await shoot(phone, 'resident-appeal-corrected', lang);
      process.stdout.write(`# measured ${JSON.stringify(measured)}\n`);
    });
  }
});
