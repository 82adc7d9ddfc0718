import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DAY_MS } from '../../src/domain/clock.js';
import type { DeclarationInput } from '../../src/domain/declaration.js';
import type { RegistrationInput } from '../../src/domain/resident.js';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { withCheck } from '../support/people.js';
import { consoleIn } from '../support/rule-editor.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const NAMES = ['王秀英', '李建华', '陈丽娟', '杨志明', '黄桂芳', '周国强'];

/** The n-th resident of a district, with an ID number and phone of their own. */
const neighbour = (region: string, n: number): RegistrationInput => ({
  name: NAMES[n]!,
  idType: 'resident_id',
  idNumber: withCheck(`${region}198503${10 + n}${region.slice(-2)}2`),
  phone: `1390571${region.slice(-2)}${String(n).padStart(2, '0')}`,
  address: { region, detail: `文一西路 ${200 + n} 号` },
});

describe("a district officer's dashboard", () => {
  let server: WebServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    // Yuhang: five green and one back from Wuchang, listed high-risk (red). Xihu: five green.
    const now = Date.now();
    const healthy: DeclarationInput = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
    const wuchang: DeclarationInput = { ...healthy, stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 4 * DAY_MS).toISOString() }] };
    await server.services.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    for (const [region, n, declaration] of [...[0, 1, 2, 3, 4].map((n) => ['330110', n, healthy] as const), ['330110', 5, wuchang] as const, ...[0, 1, 2, 3, 4].map((n) => ['330106', n, healthy] as const)]) {
      const { id } = await server.services.residents.register(neighbour(region, n), { phoneVerifiedAt: now });
      await server.services.declarations.declare(id, declaration);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['zh-CN', 'zh-Hant'] as const) {
    const m = MESSAGES[lang];
    it(`shows Yuhang's officer Yuhang alone, its one red resident as fewer than 5 (${lang})`, { timeout: 120_000 }, async () => {
      const created = await server.services.staff.create(lang === 'zh-CN' ? '余杭区疾控中心 王主任' : '餘杭區疾控中心 王主任', 'authority', '330110');
      const context = await consoleIn(browser, { token: created.token, id: created.id, name: created.name, role: 'authority', region: '330110' }, lang);
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/dashboard`);
      const table = page.locator('[data-testid=colours-by-region]');
      await table.locator('tbody tr').first().waitFor();
      // The districts offered to pick are hers alone: no Xihu row.
      assert.deepEqual(await table.locator('tbody tr code').allTextContents(), ['330110']);
      const cells = await table.locator('tbody tr td.num').allTextContents();
      const fewer = m['dashboard.fewerThan'].replace('{k}', '5');
      assert.deepEqual(cells, ['5', '0', fewer, '0'], 'green, yellow, red, gray');
      assert.equal(await page.locator('[data-testid=headline] .headline-red .headline-count').textContent(), fewer);
      await page.locator('[data-testid=small-counts]', { hasText: m['dashboard.smallCounts'].replace('{k}', '5') }).waitFor();
      await page.screenshot({ path: join(SCREENS, `console-dashboard-district.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});
