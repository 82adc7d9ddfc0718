import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { AUDIT_PURPOSES, fixedPurpose } from '../../src/domain/audit-wording.js';
import { ZHANG_WEI } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const DESKTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const LANGS = ['zh-CN', 'en'] as const;

/** What an access log must never show: a message key, an actor id, a fixed purpose stored in English. */
function assertNoKeys(text: string, where: string): void {
  assert.doesNotMatch(text, /\b(action|purpose|seen|who)\.[a-z-]+/, `${where} shows a message key`);
  assert.doesNotMatch(text, /operator:|resident:|checkpoint device|\(tracer\)|\(authority\)/, `${where} shows an actor id`);
  for (const sentence of Object.values(AUDIT_PURPOSES)) assert.ok(!text.includes(sentence), `${where} shows the stored purpose "${sentence}"`);
}

async function axe(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the access log in plain words, for the resident and in the console', () => {
  let server: WebServer;
  let browser: Browser;
  let session: unknown;
  let auditor: { token: string };
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const s = server.services;
    const zhang = await s.residents.register(ZHANG_WEI, { phoneVerifiedAt: Date.now() });
    session = asTheAppKeepsIt(await s.signIn.sessionFor(zhang.id, Date.now()));
    auditor = await s.staff.create('审计员 李明', 'auditor');
    // An officer of Yuhang looks Zhang up under a grant whose purpose was typed by the authority.
    const authority = await s.staff.create('余杭区卫健局 王芳', 'authority', '330110');
    const tracer = await s.staff.create('流调员 陈静', 'tracer', '330110');
    const grant = await s.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: '确诊病例 2026-0412 密接排查', residentId: zhang.id, hours: 4 });
    await s.caseFinder.findResident(tracer, { grantId: grant.id, phone: ZHANG_WEI.phone });
    // A gate checks him by ID number (he left his phone at home).
    const venue = await s.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' });
    const { token } = await s.venues.registerCheckpointDevice(venue.id, '北门 1 号闸机');
    await s.scans.lookUpByIdNumber(await s.venues.authenticateCheckpointDevice(token), { idType: ZHANG_WEI.idType, idNumber: ZHANG_WEI.idNumber });
    // The entries two other flows write, as they write them (their own browser stories drive them):
    // an operator he moved to fetching his facts, and a host app he allowed.
    await s.audit.append('operator:shanghai', 'release-fact-bundle', fixedPurpose('moving-consent-by-grant'), zhang.id, { destination: 'shanghai', destinationName: '随申码', stays: 2, contacts: 0, cases: 0, tests: 1, vaccinations: 3, declaration: true });
    await s.audit.append(`resident:${zhang.id}`, 'grant-host-app', fixedPurpose('host-app-consent'), zhang.id, { app: '支付宝', clientId: 'c1', scopes: ['code:read'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of LANGS) {
    it(`shows the resident who read their data, why and what they saw, in words (${lang})`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext(PHONE);
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.resident.session': session });
      const page = await context.newPage();
      await page.goto(`${server.url}/resident/#/access`);
      await page.locator('.access-entry').first().waitFor();
      const entry = async (action: string) => page.locator(`.access-entry[data-action="${action}"]`).innerText();
      const found = await entry('find-resident');
      const gate = await entry('check-by-id-number');
      const moved = await entry('release-fact-bundle');
      const app = await entry('grant-host-app');
      if (lang === 'zh-CN') {
        assert.match(found, /浙江省杭州市余杭区流调人员 流调员 陈静/);
        assert.match(found, /用途（经办人填写原文）：\s*“?确诊病例 2026-0412 密接排查/);
        assert.match(found, /查看了：姓名（已打码）、健康码颜色/);
        assert.match(gate, /西溪印象城门岗/);
        assert.match(gate, /门岗为无手机人员核验通行/);
        assert.match(moved, /健康码平台「随申码」/);
        assert.match(moved, /行程（地点和日期）、检测结果、疫苗接种记录、最近一次申报/);
        assert.match(app, /允许「支付宝」访问/);
        assert.match(app, /居民本人同意/);
        // No English on the Chinese screen: every Latin word would be a key, an id or a stored purpose.
        const all = await page.locator('.access-entry').allInnerTexts();
        for (const text of all) assert.doesNotMatch(text, /[A-Za-z]{3,}/, text);
      } else {
        assert.match(found, /流调员 陈静 \(Tracer, Yuhang District, Hangzhou, Zhejiang\)/);
        assert.match(found, /Purpose, as the officer typed it: “?确诊病例 2026-0412 密接排查/);
        assert.match(gate, /The gate at 西溪印象城/);
        assert.match(moved, /The health-code operator 随申码/);
        assert.match(moved, /where and when they stayed, test results, vaccinations, the latest declaration/);
        assert.match(app, /Allowed 支付宝 access/);
      }
      assertNoKeys(await page.locator('main').innerText(), `access log (${lang})`);
      assert.deepEqual(await axe(page), []);
      await page.screenshot({ path: join(SCREENS, `access-log-words.${lang}.png`), fullPage: true });
      await context.close();
    });

    it(`shows the auditor every entry in words, with officers' purposes labelled as typed (${lang})`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext(DESKTOP);
      await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.console.staff': { ...auditor, role: 'auditor' } });
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/audit`);
      await page.locator('.table tbody tr').first().waitFor();
      const table = await page.locator('.table').innerText();
      assertNoKeys(table, `console audit log (${lang})`);
      if (lang === 'zh-CN') {
        assert.match(table, /居民本人/);
        assert.match(table, /余杭区卫健局 王芳/);
        assert.match(table, /用途（经办人填写原文）/);
        assert.doesNotMatch(table, /[A-Za-z]{3,}/);
      } else {
        assert.match(table, /The resident themself/);
        assert.match(table, /Purpose, as the officer typed it/);
      }
      assert.deepEqual(await axe(page), []);
      await page.screenshot({ path: join(SCREENS, `console-audit-words.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
