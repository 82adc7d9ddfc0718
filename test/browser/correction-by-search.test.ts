import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { assertAccessible } from '../support/axe.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { withCheck } from '../support/people.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const DESK = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
type Lang = 'zh-CN' | 'en';

/** A Yuhang resident whose test result the lab sent late: an officer sets her yellow until it comes. */
const RESIDENT: Record<Lang, RegistrationInput> = {
  'zh-CN': { name: '孙美玲', idType: 'resident_id', idNumber: withCheck('33011019880306005'), phone: '13957100005', address: { region: '330110', detail: '五常街道联胜路 12 号 1 幢 201 室' } },
  en: { name: '钱文博', idType: 'resident_id', idNumber: withCheck('33011019830914006'), phone: '13957100006', address: { region: '330110', detail: '五常街道联胜路 14 号 3 幢 502 室' } },
};

const T = {
  'zh-CN': { find: '查找', pick: '为此人更正', propose: '提交审批', approve: '批准', proposed: /已为 .+ 提出更正：另一位卫健部门人员批准后生效/, approved: /已批准：.+ 的颜色已更正/ },
  en: { find: 'Find', pick: 'Correct this person', propose: 'Propose for approval', approve: 'Approve', proposed: /Proposed for .+: it takes effect when a second authority approves it/, approved: /Approved: .+'s colour is corrected/ },
} as const;

describe('a correction proposed for a resident found by search, then approved by a second officer, in a real browser', () => {
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

  /** An authority officer of Yuhang at the console, holding a read-personal grant given before the story. */
  async function officer(name: string, lang: Lang, grant: boolean): Promise<Page> {
    const s = server.services;
    const staff = await s.staff.create(name, 'authority', '330110');
    if (grant) await s.audit.grant({ ...staff, role: 'authority' }, { staffId: staff.id, scope: 'read-personal', purpose: lang === 'en' ? 'Late test results, Wuchang street' : '五常街道核酸结果迟报核查', residentId: null, hours: 8 });
    const context = await browser.newContext({ ...DESK, locale: lang });
    await seedStorage(context, { 'healthcode.lang': lang, 'healthcode.console.staff': { token: staff.token, id: staff.id, name: staff.name, role: 'authority' } });
    await meterTaps(context);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/corrections`);
    return page;
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`finds the resident by ID number, proposes, and each officer is told in words what their action did (${lang})`, { timeout: 120_000 }, async () => {
      const p = RESIDENT[lang];
      const resident = await server.services.residents.register(p, { phoneVerifiedAt: Date.now() });
      await server.services.declarations.declare(resident.id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
      const wang = await officer(lang === 'en' ? 'Yuhang CDC Wang' : '余杭区疾控中心 王主任', lang, true);
      const li = await officer(lang === 'en' ? 'Yuhang CDC Li' : '余杭区疾控中心 李医生', lang, false);
      const flow = await startFlow(`correction by search (${lang})`, [wang, li]);

      await wang.fill('input[name=query]', p.idNumber);
      await wang.click(`form[role=search] button:has-text("${T[lang].find}")`);
      await wang.click(`button:has-text("${T[lang].pick}")`);
      const forWhom = wang.locator('[data-testid=correction-for]');
      assert.match(await forWhom.innerText(), new RegExp(`${[...p.name][0]}\\*${[...p.name][2]}`), 'the person found is named, masked');
      assert.equal(await wang.locator('input[name=residentId]').count(), 0, 'no id to paste');
      await wang.selectOption('select[name=colour]', 'yellow');
      await wang.fill('textarea[name=note]', lang === 'en' ? 'Your test result from 3 December has not arrived; yellow until it does.' : '您 12 月 3 日的核酸结果尚未回传，结果回传前为黄码。');
      await wang.click(`button:has-text("${T[lang].propose}")`);
      const proposed = wang.locator('[data-testid=correction-done]');
      await proposed.waitFor();
      assert.match(await proposed.innerText(), T[lang].proposed);
      await assertAccessible(wang, `console-correction-proposed.${lang}`);
      await wang.screenshot({ path: join(SCREENS, `console-correction-proposed.${lang}.png`), fullPage: true });

      await li.reload();
      const pending = li.locator('li[data-correction]', { hasText: `${[...p.name][0]}*${[...p.name][2]}` });
      await pending.locator(`button:has-text("${T[lang].approve}")`).click();
      const approved = li.locator('[data-testid=correction-done]');
      await approved.waitFor();
      const measured = await flow.end();
      assert.match(await approved.innerText(), T[lang].approved);
      assert.equal(await server.ctx.stores.decisions.colourOf(resident.id), 'yellow', 'the correction is in force');
      await assertAccessible(li, `console-correction-approved.${lang}`);
      await li.screenshot({ path: join(SCREENS, `console-correction-approved.${lang}.png`), fullPage: true });
      process.stdout.write(`# measured ${JSON.stringify(measured)}\n`);
    });
  }
});
