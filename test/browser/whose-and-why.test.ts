import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { GRANDMA_ZHANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const LANGS = ['zh-CN', 'en'] as const;
const WORDS = {
  'zh-CN': { family: '家人', show: '出示健康码', declare: '申报', why: '为什么是这个颜色？', appeal: '认为颜色有误？提出申诉', send: '提交申诉', waiting: '等待答复' },
  en: { family: 'Family', show: 'Show code', declare: 'Declare', why: 'Why this colour?', appeal: 'Think this colour is wrong? Appeal', send: 'Send appeal', waiting: 'Waiting for an answer' },
};

async function axe(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('whose declaration it is, and appealing from "why"', () => {
  let server: WebServer;
  let browser: Browser;
  const sessions: Record<string, unknown> = {};
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const s = server.services;
    for (const lang of LANGS) {
      // Zhang (one per language: one person's household and appeal each) looks after his grandmother.
      const zhang = await s.residents.register(lang === 'en' ? { ...ZHANG_WEI, phone: '13912345671', idNumber: withCheck('33011019880214011') } : ZHANG_WEI, { phoneVerifiedAt: Date.now() });
      await s.registration.addDependent(zhang.id, lang === 'en' ? { ...GRANDMA_ZHANG, idNumber: withCheck('33011019440917011') } : GRANDMA_ZHANG);
      sessions[lang] = asTheAppKeepsIt(await s.signIn.sessionFor(zhang.id, Date.now()));
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of LANGS) {
    const w = WORDS[lang];
    it(`names the household member on a declaration made for her: title, band and submit button (${lang})`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext(PHONE);
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': sessions[lang] });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/household`);
      await page.click(`.list li button:has-text("${w.show}")`);
      await page.locator('[data-testid=code-card]').waitFor();
      await page.click(`.tabbar a:has-text("${w.declare}")`);
      const band = page.locator('[data-testid=declare-for-member]');
      await band.waitFor();
      const name = '张*兰';
      assert.equal(await page.locator('.for-member h2').innerText(), lang === 'en' ? `Declaration for ${name}` : `为${name}申报`);
      assert.equal(await band.innerText(), lang === 'en' ? `You are declaring for ${name}, not for yourself: answer for them.` : `您正在为${name}申报，不是为您自己：请按${name}的情况填写。`);
      const submit = page.locator('.for-member button[type=submit]');
      assert.equal(await submit.innerText(), lang === 'en' ? `Submit the declaration for ${name}` : `提交${name}的申报`);
      assert.deepEqual(await axe(page), []);
      await page.screenshot({ path: join(SCREENS, `declare-for-member.${lang}.png`), fullPage: true });
      await page.fill('input[name=temperature]', '36.4');
      await submit.click();
      // Sent: her code again, her name on it.
      await page.locator('[data-testid=code-card]').waitFor();
      assert.match(await page.locator('header').innerText(), new RegExp(name.replace('*', '\\*')));
      await context.close();
    });

    it(`lets the resident reading why appeal from there, and shows the appeal waiting (${lang})`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext(PHONE);
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': sessions[lang] });
      await meterTaps(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.locator('[data-testid=code-card]').waitFor();
      const flow = await startFlow(`appeal from why (${lang})`, [page]);
      await page.click(`button:has-text("${w.why}")`);
      const entry = page.locator('[data-testid=why-appeal]');
      await entry.waitFor();
      assert.equal(await entry.innerText(), w.appeal);
      assert.deepEqual(await axe(page), []);
      await page.screenshot({ path: join(SCREENS, `why-appeal-entry.${lang}.png`), fullPage: true });
      await entry.click();
      await page.fill('textarea[name=message]', '我没有去过武汉，行程记录有误，请核实。');
      await page.click(`button:has-text("${w.send}")`);
      const waiting = page.locator('[data-appeal=open]');
      await waiting.waitFor();
      assert.match(await waiting.innerText(), new RegExp(w.waiting));
      const measured = await flow.end();
      assert.ok(measured.taps <= 4, `appeal from why took ${measured.taps} taps`);
      await page.screenshot({ path: join(SCREENS, `why-appeal-sent.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
