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
import { seedStorage } from '../support/browser-storage.js';
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
      assert.deepEqual(cells, ['5', '0', fewer, '0', '0'], 'green, yellow, red, gray, not yet declared');
      assert.equal(await page.locator('[data-testid=headline] .headline-red .headline-count').textContent(), fewer);
      await page.locator('[data-testid=small-counts]', { hasText: m['dashboard.smallCounts'].replace('{k}', '5') }).waitFor();
      await page.screenshot({ path: join(SCREENS, `console-dashboard-district.${lang}.png`), fullPage: true });
      await context.close();
    });
  }
});

/**
 * Hangzhou's officer reads the city: Yuhang has five green, one red back from Wuchang and one new
 * registration not yet declared; Xihu five green. In each language and at desktop and phone width,
 * the city is a row to pick above its districts, each place named in the page's language, every
 * hidden count drawn and said as a range, and every section naming the region and days it counts.
 */
describe("a city officer's dashboard", () => {
  let server: WebServer;
  let browser: Browser;
  let officer: Record<string, unknown>;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer();
    browser = await launchChromium();
    const now = Date.now();
    const healthy: DeclarationInput = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
    const wuchang: DeclarationInput = { ...healthy, stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 4 * DAY_MS).toISOString() }] };
    await server.services.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    for (const [region, n, declaration] of [...[0, 1, 2, 3, 4].map((n) => ['330110', n, healthy] as const), ['330110', 5, wuchang] as const, ...[0, 1, 2, 3, 4].map((n) => ['330106', n, healthy] as const)]) {
      const { id } = await server.services.residents.register(neighbour(region, n), { phoneVerifiedAt: now });
      await server.services.declarations.declare(id, declaration);
    }
    // Registered this morning, gray until a first declaration: counted as not yet declared.
    await server.services.residents.register({ ...neighbour('330110', 5), name: '吴晓燕', idNumber: withCheck('33011019990520112'), phone: '13905719999' }, { phoneVerifiedAt: now });
    const created = await server.services.staff.create('杭州市疾控中心 孙主任', 'authority', '330100');
    officer = { token: created.token, id: created.id, name: created.name, role: 'authority', region: '330100' };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // In the table a city and its districts are named by their own part; the line over each section names the place in full.
  const PLACES = {
    'zh-CN': { city: '杭州市', yuhang: '余杭区', xihu: '西湖区', cityFull: '浙江省 杭州市', yuhangFull: '浙江省 杭州市 余杭区' },
    'zh-Hant': { city: '杭州市', yuhang: '餘杭區', xihu: '西湖區', cityFull: '浙江省 杭州市', yuhangFull: '浙江省 杭州市 餘杭區' },
    en: { city: 'Hangzhou', yuhang: 'Yuhang District', xihu: 'Xihu District', cityFull: 'Hangzhou, Zhejiang', yuhangFull: 'Yuhang District, Hangzhou, Zhejiang' },
  } as const;
  const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

  for (const lang of ['zh-CN', 'en', 'zh-Hant'] as const) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const m = MESSAGES[lang];
      const places = PLACES[lang];
      it(`picks the city and a district, each section naming what it counts, hidden counts drawn as ranges (${lang}, ${size})`, { timeout: 180_000 }, async () => {
        const context = await browser.newContext({ viewport, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai', locale: lang });
        await seedStorage(context, [['healthcode.lang', lang], ['healthcode.console.staff', JSON.stringify(officer)]]);
        const page = await context.newPage();
        await page.goto(`${server.url}/console/#/dashboard`);
        const table = page.locator('[data-testid=colours-by-region]');
        const fewer = m['dashboard.fewerThan'].replace('{k}', '5');
        const row = (code: string) => table.locator(`tbody tr[data-region="${code}"]`);
        // The city's row above its districts, each named in the page's language.
        await row('330100').locator('button', { hasText: places.city }).waitFor();
        assert.equal(await row('330100').locator('button').textContent(), places.city);
        await row('330110').locator('button', { hasText: places.yuhang }).waitFor();
        assert.equal(await row('330110').locator('button').textContent(), places.yuhang);
        await row('330106').locator('button', { hasText: places.xihu }).waitFor();
        assert.deepEqual(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-region'))), ['330100', '330106', '330110']);
        assert.equal(await table.locator('thead th').last().textContent(), m['dashboard.undecided']);
        // Green, yellow, red, gray, not yet declared: Yuhang's one red and one newcomer are hidden, in the city's sum too.
        assert.deepEqual(await row('330110').locator('td.num').allTextContents(), ['5', '0', fewer, '0', fewer]);
        assert.deepEqual(await row('330100').locator('td.num').allTextContents(), ['10', '0', fewer, '0', fewer]);
        assert.equal(await page.locator('[data-testid=headline] .headline-undecided .headline-count').textContent(), fewer);
        // "fewer than 5" keeps to one line in its cell; a table too wide scrolls in its frame, never the page.
        // The number of line boxes each count's text takes.
        const lines = (await page.evaluate(
          "[...document.querySelectorAll('[data-testid=colours-by-region] td.num')].map((cell) => { const range = document.createRange(); range.selectNodeContents(cell); return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size; })",
        )) as number[];
        assert.ok(lines.every((n) => n === 1), `every count on one line: ${lines.join(',')}`);
        assert.equal(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'), 0, 'no sideways scrolling of the page');
        // The city's history holds Yuhang's hidden red: drawn as a range, and the line under the chart says so.
        await page.locator('[data-testid=hidden-legend]').first().waitFor();
        assert.equal(await page.locator('[data-testid=hidden-legend]').first().textContent(), m['dashboard.hiddenLegend'].replace('{k}', '5'));
        await page.locator('[data-testid=scope-history]', { hasText: places.cityFull }).waitFor();
        await page.screenshot({ path: join(SCREENS, `console-dashboard-city.${lang}.${size}.png`), fullPage: true });

        // Yuhang picked: every section below says it counts Yuhang, and over which days.
        await row('330110').locator('button').click();
        for (const scope of ['scope-history', 'scope-scans', 'scope-quarantines']) {
          await page.locator(`[data-testid=${scope}]`, { hasText: places.yuhangFull }).waitFor();
        }
        assert.match((await page.locator('[data-testid=scope-history]').textContent())!, /14/);
        assert.match((await page.locator('[data-testid=scope-quarantines]').textContent())!, /14/);
        assert.match((await page.locator('[data-testid=scope-scans]').textContent())!, /24/);
        await page.screenshot({ path: join(SCREENS, `console-dashboard-yuhang.${lang}.${size}.png`), fullPage: true });

        // The city picked again: the sections count the city.
        await row('330100').locator('button').click();
        await page.locator('[data-testid=scope-scans]', { hasText: places.cityFull }).waitFor();
        assert.equal(await row('330100').locator('button').getAttribute('aria-pressed'), 'true');
        await context.close();
      });
    }
  }
});
