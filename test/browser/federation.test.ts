import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { meterTaps, startFlow } from '../support/flow-meter.js';
import { CHEN_JING, withCheck } from '../support/people.js';
import { writeQrVideo } from '../support/fake-camera.js';
import { eventually, freePort, json, nationalListAt, smsCode, startOperator, type Operator } from '../support/federation.js';
import { CLI, serverEnv } from '../support/spawned-server.js';
import { launchChromium } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };


async function inLanguage(context: BrowserContext, lang: 'zh-CN' | 'en', extra = ''): Promise<void> {
  await context.addInitScript({ content: `localStorage.setItem('healthcode.lang', '${lang}');${extra}` });
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

/** A staff credential made with the CLI on an operator's own database, as its administrator would. */
function staffToken(operator: Operator, env: Record<string, string>, name: string, role: string): string {
  const made = spawnSync(process.execPath, [...CLI, 'staff', 'add', '--name', name, '--role', role], { env: serverEnv(operator.dataDir, env), encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  return made.stdout.trim();
}

describe('Jingmen to Ningbo in the browser: a hub and two operators as separate processes', () => {
  let hub: Operator;
  let hubei: Operator;
  let zhejiang: Operator;
  let browser: Browser;
  let work: string;
  const HUBEI = { HEALTHCODE_OPERATOR_ID: 'hubei', HEALTHCODE_OPERATOR_NAME: '湖北省', HEALTHCODE_REGIONS: '420000' };
  const ZHEJIANG = { HEALTHCODE_OPERATOR_ID: 'zhejiang', HEALTHCODE_OPERATOR_NAME: '浙江省', HEALTHCODE_REGIONS: '330000' };

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-federation-browser-'));
    const [hubPort, hubeiPort, zhejiangPort] = [await freePort(), await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    [hub, hubei, zhejiang] = await Promise.all([
      startOperator(hubPort, { HEALTHCODE_OPERATOR_ID: 'hub', HEALTHCODE_OPERATOR_NAME: '全国平台', HEALTHCODE_HUB: 'on', HEALTHCODE_HUB_MEMBERS: `hubei=http://127.0.0.1:${hubeiPort},zhejiang=http://127.0.0.1:${zhejiangPort}` }),
      startOperator(hubeiPort, { ...HUBEI, HEALTHCODE_HUB_URL: hubUrl }),
      startOperator(zhejiangPort, { ...ZHEJIANG, HEALTHCODE_HUB_URL: hubUrl }),
    ]);
    browser = await launchChromium();
    const hubKey = (await json<{ hubKey: { x: string } }>(`${hub.url}/api/v1/federation/identity`)).body.hubKey.x;
    await eventually('Zhejiang holds both members', () => nationalListAt(zhejiang.url, hubKey), (l) => (l?.members.filter((m) => m.keys.length > 0).length ?? 0) === 2);
    await eventually('Hubei holds both members', () => nationalListAt(hubei.url, hubKey), (l) => (l?.members.filter((m) => m.keys.length > 0).length ?? 0) === 2);
  });

  after(async () => {
    await browser?.close();
    for (const server of [hub, hubei, zhejiang]) server?.child.kill('SIGTERM');
    await Promise.all([hub, hubei, zhejiang].map((s) => s?.exited));
    rmSync(work, { recursive: true, force: true });
  });

  it('gives a grant in the Hubei app, uses it in the Zhejiang app, and a Zhejiang gate admits her Hubei code offline', { timeout: 180_000 }, async () => {
    // Registered and declared at home (the registration screens are tested on their own).
    const code = await smsCode(hubei.url, CHEN_JING.phone!);
    const registered = await json<{ id: string; session: unknown }>(`${hubei.url}/api/v1/residents`, { json: { ...CHEN_JING, code } });
    assert.equal(registered.status, 201);
    const auth = { authorization: `Bearer ${(registered.body.session as { token: string }).token}` };
    await json(`${hubei.url}/api/v1/residents/${registered.body.id}/declarations`, { headers: auth, json: { stays: [], contacts: [], symptoms: [], temperature: 36.6 } });

    // At home, in "Me": a one-time grant for Zhejiang.
    const home = await browser.newContext(PHONE);
    await inLanguage(home, 'zh-CN', `localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(registered.body.session))});`);
    const hubeiApp = await home.newPage();
    await hubeiApp.goto(`${hubei.url}/resident/#/data`);
    await hubeiApp.selectOption('select[name=audience]', 'zhejiang');
    await hubeiApp.click('button:has-text("生成一次性授权")');
    const grant = await hubeiApp.locator('[data-testid=grant-given] textarea[name=grant]').inputValue();
    assert.match(grant, /^JKG1:/);
    assert.match((await hubeiApp.textContent('[data-testid=grant-given]')) ?? '', /浙江省/);
    await shot(hubeiApp, 'federation-grant.zh-CN');
    const homeCode = (await json<{ token: string }>(`${hubei.url}/api/v1/residents/${registered.body.id}/code`, { headers: auth })).body.token;

    // In Ningbo, in the Zhejiang app: "registered elsewhere", the grant pasted, a phone proven here.
    const away = await browser.newContext(PHONE);
    await inLanguage(away, 'zh-CN');
    const zhejiangApp = await away.newPage();
    await zhejiangApp.goto(`${zhejiang.url}/resident/#/sign-in`);
    await zhejiangApp.click('a[href="#/visitor"]');
    await zhejiangApp.fill('textarea[name=grant]', grant);
    await zhejiangApp.fill('[role=combobox]', '海曙');
    await zhejiangApp.click('[role=option]:has-text("330203")');
    await zhejiangApp.fill('input[name=addressDetail]', '海曙区中山西路 138 号 2 单元 1101 室');
    await zhejiangApp.fill('input[name=phone]', CHEN_JING.phone!);
    await zhejiangApp.click('[data-testid=send-code]');
    const sms = (await zhejiangApp.locator('[data-testid=demo-sms]').textContent()) ?? '';
    await zhejiangApp.fill('input[name=code]', /\b(\d{6})\b/.exec(sms)![1]!);
    await shot(zhejiangApp, 'federation-visitor-form.zh-CN');
    await zhejiangApp.click('button[type=submit]');
    const card = zhejiangApp.locator('[data-testid=code-card]');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-colour'), 'green');
    assert.match((await zhejiangApp.textContent('[data-testid=facts-from]')) ?? '', /记录来自湖北省.*按本地规则判定/);
    await shot(zhejiangApp, 'federation-visitor-code.zh-CN');
    await zhejiangApp.click('.lang-switch button[data-lang=en]');
    await zhejiangApp.locator('[data-testid=facts-from]').waitFor();
    assert.match((await zhejiangApp.textContent('[data-testid=facts-from]')) ?? '', /Facts from 湖北省/);
    await shot(zhejiangApp, 'federation-visitor-code.en');

    // "Why": which facts came over from Hubei, in words, in both languages; and a way to appeal.
    for (const lang of ['en', 'zh-CN'] as const) {
      if (lang === 'zh-CN') await zhejiangApp.click('.lang-switch button[data-lang=zh-CN]');
      await zhejiangApp.goto(`${zhejiang.url}/resident/#/code`);
      await zhejiangApp.locator('[data-testid=code-card]').waitFor();
      await zhejiangApp.click(`button:has-text("${lang === 'en' ? 'Why this colour?' : '为什么是这个颜色？'}")`);
      const came = zhejiangApp.locator('[data-testid=why-facts-came]');
      await came.waitFor();
      assert.match((await zhejiangApp.textContent('[data-testid=why-facts-from]')) ?? '', lang === 'en' ? /What came from 湖北省:/ : /从「湖北省」转来的信息：/);
      assert.deepEqual(await came.locator('li').allInnerTexts(), [lang === 'en' ? 'your latest declaration (symptoms and temperature)' : '您最近一次申报（症状和体温）']);
      assert.ok(await zhejiangApp.locator('[data-testid=why-appeal]').isVisible());
      await shot(zhejiangApp, `federation-visitor-why.${lang}`);
    }

    // At home, her access log says who fetched her facts, by the operator's name, and what went.
    await hubeiApp.goto(`${hubei.url}/resident/#/access`);
    const released = hubeiApp.locator('.access-entry[data-action=release-fact-bundle]');
    await released.waitFor();
    const words = await released.innerText();
    assert.match(words, /健康码平台「浙江省」/);
    assert.match(words, /查看了：姓名（已打码）、最近一次申报/);
    assert.doesNotMatch(words, /operator:|zhejiang|[A-Za-z]{3,}/);
    await shot(hubeiApp, 'federation-home-access-log.zh-CN');

    // A Zhejiang gate, offline, reads the code Hubei signed and names where it comes from.
    const venueStaff = staffToken(zhejiang, ZHEJIANG, '宁波地铁 鼓楼站', 'venue');
    const venue = await json<{ id: string }>(`${zhejiang.url}/api/v1/venues`, {
      headers: { authorization: `Bearer ${venueStaff}` },
      json: { name: '鼓楼地铁站', type: 'subway_station', region: '330203', address: '中山西路与解放路交叉口', latitude: 29.87, longitude: 121.55, operator: '宁波地铁' },
    });
    assert.equal(venue.status, 201, JSON.stringify(venue.body));
    const device = await json<{ token: string }>(`${zhejiang.url}/api/v1/venues/${venue.body.id}/devices`, { headers: { authorization: `Bearer ${venueStaff}` }, json: { name: 'A 口闸机' } });
    const video = join(work, 'hubei-code.y4m');
    writeQrVideo(homeCode, video);
    const cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const gate = await cameraBrowser.newContext({ ...PHONE, permissions: ['camera'] });
      await inLanguage(gate, 'zh-CN');
      const scanner = await gate.newPage();
      await scanner.goto(`${zhejiang.url}/scanner/`);
      await scanner.fill('input[name=credential]', device.body.token);
      await scanner.click('button[type=submit]');
      await scanner.locator('[data-testid=national-list]').waitFor();
      await gate.setOffline(true);
      const result = scanner.locator('[data-testid=scan-result]');
      await result.waitFor({ timeout: 30_000 });
      assert.equal(await result.getAttribute('data-admitted'), 'true');
      assert.match((await scanner.textContent('[data-testid=scan-origin]')) ?? '', /湖北省签发（地区 420000）/);
      await shot(scanner, 'federation-scanner-visitor.zh-CN');
    } finally {
      await cameraBrowser.close();
    }

    // The hub's authority sees both members fresh; Zhejiang's console counts the visitor's scan by issuing region.
    const hubAuthority = staffToken(hub, { HEALTHCODE_OPERATOR_ID: 'hub', HEALTHCODE_HUB: 'on' }, '国家卫健委 互认办公室', 'authority');
    const consoleContext = await browser.newContext({ ...PHONE, viewport: { width: 1024, height: 900 } });
    await inLanguage(consoleContext, 'en');
    const hubConsole = await consoleContext.newPage();
    await hubConsole.goto(`${hub.url}/console/#/federation`);
    await hubConsole.fill('input[name=credential]', hubAuthority);
    await hubConsole.click('button[type=submit]');
    await hubConsole.click('a[data-section=federation]');
    await hubConsole.locator('[data-testid=members] tr[data-member=hubei][data-status=fresh]').waitFor();
    await shot(hubConsole, 'federation-hub-console.en');
  });
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`moves a Wuhan resident's registration to Hangzhou as she sees it: grant at home, her code in the Zhejiang app, and at home the grant marked used (${lang})`, { timeout: 180_000 }, async () => {
      const m = MESSAGES[lang];
      const person = lang === 'zh-CN'
        ? { name: '黄晓燕', idType: 'resident_id' as const, idNumber: withCheck('42010619920816002'), phone: '13971001301', address: { region: '420106', detail: '武昌区中北路 108 号 1 栋 902 室' } }
        : { name: '胡俊杰', idType: 'resident_id' as const, idNumber: withCheck('42010619850309005'), phone: '13971001302', address: { region: '420106', detail: '武昌区中北路 110 号 3 栋 401 室' } };
      const code = await smsCode(hubei.url, person.phone);
      const registered = await json<{ id: string; session: unknown }>(`${hubei.url}/api/v1/residents`, { json: { ...person, code } });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const auth = { authorization: `Bearer ${(registered.body.session as { token: string }).token}` };
      await json(`${hubei.url}/api/v1/residents/${registered.body.id}/declarations`, { headers: auth, json: { stays: [], contacts: [], symptoms: [], temperature: 36.5 } });

      const home = await browser.newContext({ ...PHONE, locale: lang });
      await inLanguage(home, lang, `localStorage.setItem('healthcode.resident.session', ${JSON.stringify(JSON.stringify(registered.body.session))});`);
      await meterTaps(home);
      const away = await browser.newContext({ ...PHONE, locale: lang });
      await inLanguage(away, lang);
      await meterTaps(away);
      const hubeiApp = await home.newPage();
      const zhejiangApp = await away.newPage();
      await hubeiApp.goto(`${hubei.url}/resident/#/data`);
      await hubeiApp.locator('select[name=audience]').waitFor();
      await zhejiangApp.goto(`${zhejiang.url}/resident/#/sign-in`);

      // Measured from her home app's Me to her code on the Zhejiang app (the grant crosses by copy and paste).
      const flow = await startFlow(`move-between-operators.${lang}`, [hubeiApp, zhejiangApp]);
      await hubeiApp.selectOption('select[name=audience]', 'zhejiang');
      await hubeiApp.click(`button:has-text("${m['move.give']}")`);
      const given = hubeiApp.locator('[data-testid=grant-given]');
      await given.waitFor();
      assert.match((await given.textContent()) ?? '', /浙江省/);
      const grant = await given.locator('textarea[name=grant]').inputValue();
      await shot(hubeiApp, `move-grant-given.${lang}`);
      await zhejiangApp.click('a[href="#/visitor"]');
      await zhejiangApp.fill('textarea[name=grant]', grant);
      await zhejiangApp.fill('[role=combobox]', '西湖');
      await zhejiangApp.click('[role=option]:has-text("330106")');
      await zhejiangApp.fill('input[name=addressDetail]', '西湖区文三路 259 号 7 幢 3 单元 502 室');
      await zhejiangApp.fill('input[name=phone]', person.phone);
      await zhejiangApp.click('[data-testid=send-code]');
      const sms = (await zhejiangApp.locator('[data-testid=demo-sms]').textContent()) ?? '';
      await zhejiangApp.fill('input[name=code]', /\b(\d{6})\b/.exec(sms)![1]!);
      await shot(zhejiangApp, `move-visitor-form.${lang}`);
      await zhejiangApp.click('button[type=submit]');
      const card = zhejiangApp.locator('[data-testid=code-card]');
      await card.waitFor();
      const measured = await flow.end();
      process.stdout.write(`# measured ${measured.flow}: ${measured.taps} taps, ${measured.seconds} s\n`);

      // What she sees there: a green code, decided here on the facts her home operator sent.
      assert.equal(await card.getAttribute('data-colour'), 'green');
      assert.match((await card.textContent()) ?? '', new RegExp(m['colour.green']));
      const factsFrom = (await zhejiangApp.textContent('[data-testid=facts-from]')) ?? '';
      assert.ok(factsFrom.startsWith(m['code.factsFrom'].split('{operator}')[0]! + '湖北省'), factsFrom);
      await shot(zhejiangApp, `move-visitor-code.${lang}`);

      // Back in her home app, Me says Zhejiang fetched her facts with that grant, and when.
      await hubeiApp.reload();
      const history = hubeiApp.locator('.plain-list li', { hasText: '浙江省' });
      await history.waitFor();
      assert.ok(((await history.textContent()) ?? '').includes(m['move.used'].split('{time}')[0]!.trim()), (await history.textContent()) ?? '');
      // The tab bar is fixed at the bottom: the entry is scrolled to the middle and the screen shot as seen.
      await history.evaluate((li) => li.scrollIntoView({ block: 'center' }));
      await hubeiApp.screenshot({ path: join(SCREENS, `move-grant-used.${lang}.png`) });
      await home.close();
      await away.close();
    });
  }
});
