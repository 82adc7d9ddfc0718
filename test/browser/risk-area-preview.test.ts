import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DAY_MS } from '../../src/domain/clock.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { DESKTOP } from '../support/rule-editor.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const GIVEN = ['王', '李', '陈', '杨', '黄', '周'];
const neighbour = (n: number): RegistrationInput => ({
  name: `${GIVEN[n % GIVEN.length]}建华`,
  idType: 'resident_id',
  idNumber: withCheck(`330110199002${10 + n}101`),
  phone: `1390571${String(n).padStart(4, '0')}`,
  address: { region: '330110', detail: `五常大道 ${10 + n} 号` },
});

describe("a district officer previews a listing: only the district's residents, small counts as ranges", () => {
  let server: WebServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer({ port: 18301 });
    browser = await launchChromium();
    // Five days in Reykjavík a week ago: Zhang Wei of Yuhang and Liu Fang of Xihu; six of Yuhang's stayed home.
    const now = Date.now();
    const trip = { stays: [{ country: 'IS', arrival: new Date(now - 8 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.5 };
    for (const person of [ZHANG_WEI, LIU_FANG]) {
      const { id } = await server.services.residents.register(person, { phoneVerifiedAt: now });
      await server.services.declarations.declare(id, trip);
    }
    for (let n = 0; n < 6; n++) {
      const { id } = await server.services.residents.register(neighbour(n), { phoneVerifiedAt: now });
      await server.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'en', 'zh-Hant'] as const) {
    const m = MESSAGES[lang];
    it(`says "fewer than 5" for the one of Yuhang who went to Iceland, and that Yuhang alone was counted (${lang})`, { timeout: 120_000 }, async () => {
      const officer = await server.services.staff.create(`余杭区疾控中心 王主任 ${lang}`, 'authority', '330110');
      const context = await browser.newContext({ ...DESKTOP, locale: lang });
      await context.addInitScript({ content: `localStorage.setItem('healthcode.lang', '${lang}')` });
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/risk-areas`);
      await page.fill('input[name=credential]', officer.token);
      await page.click(`button:has-text("${m['staff.signInSubmit']}")`);
      await page.click(`button:has-text("${m['declare.abroad']}")`);
      await page.fill('input[maxlength="3"]', 'IS');
      const preview = page.locator('[data-testid=risk-preview]');
      await preview.waitFor();
      const fewer = m['dashboard.fewerThan'].replace('{k}', '5');
      const said = (await preview.innerText()).replace(/\s+/g, ' ');
      assert.ok(said.includes(m['risk.preview'].replace('{residents}', fewer).replace('{changes}', fewer)), said);
      // Which way his colour goes is not said: no change of colour is listed, and the screen says why.
      assert.equal(await preview.locator('li').count(), 0);
      const undivided = await page.locator('[data-testid=preview-undivided]').innerText();
      assert.equal(undivided, m['preview.undivided'].replace('{n}', fewer).replace('{k}', '5'));
      const scope = await page.locator('[data-testid=preview-scope]').innerText();
      assert.ok(scope.includes(m['preview.countedIn']), scope);
      assert.ok(/余杭|餘杭|Yuhang/.test(scope), scope);
      assert.ok(!/[0-9] (residents|人)\b/.test(said.replace(/5/g, '')), `no exact count of residents: ${said}`);
      await page.screenshot({ path: join(SCREENS, `console-risk-preview-district.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
