import { cityLowFeverRule, replacing, withQuarantine } from '../support/rules.js';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { checkRegistration } from '../../src/domain/resident.js';
import { GRANDMA_ZHANG, LIU_FANG, OLIVER_BROWN, withCheck, ZHANG_WEI } from '../support/people.js';
import { assertAccessible } from '../support/axe.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';
import { asTheAppKeepsIt } from '../support/app-session.js';
import { seedStorage } from '../support/browser-storage.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };
const LANGS = ['zh-CN', 'en'] as const;
/** One resident per language signs in on screen: a phone gets one code a minute. */
const SIGNING_IN = {
  'zh-CN': { name: '王建国', idType: 'resident_id' as const, idNumber: withCheck('33011019700301001'), phone: '13800138009', address: { region: '330110', detail: '仓前街道文一西路 1500 号' } },
  en: OLIVER_BROWN,
};
type Lang = (typeof LANGS)[number];

/** Message-key prefixes: a key shown as text means a message is missing. */
const RAW_KEY = /\b(app|nav|colour|field|code|why|fact|declare|signIn|register|scanner|venue|venueType|console|dashboard|risk|imports|trace|rules|appeals?|audit|access|data|household|checkIn|staff|role|reason|symptom|relationship|idType|cause|source|portal|common|error|contact|region)\.[a-zA-Z-]+(\.[a-zA-Z-]+)?\b/;

/** Every screen is finished text: no unfilled {parameter}, no bare message key. */
async function assertFinished(page: Page, screen: string): Promise<void> {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\{[a-zA-Z]+\}/, `${screen} shows an unfilled parameter`);
  const raw = RAW_KEY.exec(text);
  assert.equal(raw, null, `${screen} shows the message key ${raw?.[0]}`);
}

async function shoot(page: Page, screen: string, lang: Lang): Promise<void> {
  await assertFinished(page, screen);
  await assertAccessible(page, `${screen}.${lang}`);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENS, `${screen}.${lang}.png`), fullPage: true });
}

/** A resident signed in through the real sign-in service, as the app stores the session. */
async function signedIn(server: WebServer, phone: string, e164: string) {
  await server.services.signIn.requestSignInCode(phone);
  const [sms] = await server.ctx.stores.outbox.list(1, e164);
  return asTheAppKeepsIt(await server.services.signIn.verifySignInCode(phone, /\b(\d{6})\b/.exec(sms!.body)![1]!));
}

describe('every screen, at phone size, in both languages', () => {
  let server: WebServer;
  let browser: Browser;
  let work: string;
  const staff: Record<string, { token: string; id: string; name: string; role: string; region: null }> = {};
  let session: { token: string; residentId: string; expiresAt: string };
  let deviceToken: string;
  let venueId: string;
  let colleague: { id: string; name: string; role: 'authority', region: null };

  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'healthcode-screens-'));
    server = await startWebServer();
    // Chromium's own fake camera (a moving test pattern) stands in for a phone camera.
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    const s = server.services;
    for (const [name, role] of [['杭州市疾控中心 王主任', 'authority'], ['流调员 陈静', 'tracer'], ['审计员 李明', 'auditor'], ['西溪印象城 物业', 'venue']] as const) {
      const created = await s.staff.create(name, role);
      staff[role] = { token: created.token, id: created.id, name, role, region: null };
    }
    // Zhang came back from Wuchang, now listed high-risk; his mother is in his household.
    const zhang = await s.residents.register(ZHANG_WEI);
    session = await signedIn(server, ZHANG_WEI.phone!, '+8613912345678');
    await s.residents.addDependent(zhang.id, { ...GRANDMA_ZHANG, relationship: 'parent' });
    const now = Date.now();
    await s.declarations.declare(zhang.id, { stays: [{ region: '420106', arrival: new Date(now - 6 * DAY_MS).toISOString(), departure: new Date(now - 3 * DAY_MS).toISOString() }], contacts: [], symptoms: [], temperature: 36.6 });
    await s.authority.setRiskArea({ region: '420100', level: 'high', from: new Date(now - 10 * DAY_MS).toISOString() });
    await s.checkIns.checkIn(zhang.id, { temperature: 36.5, symptoms: [] });
    await s.appeals.file(zhang.id, '我 11 月 17 日离开武昌，当时武汉尚未列为高风险地区，请核实。');
    // Liu was at the same mall as Zhang; a trace will find her.
    const liu = await s.residents.register(LIU_FANG);
    await signedIn(server, LIU_FANG.phone!, '+8615067891234');
    const venue = await s.venues.registerVenue({ name: '西溪印象城', type: 'mall', region: '330110', address: '余杭区五常大道 1 号', latitude: 30.27, longitude: 120.07, operator: '印象城商业管理' }, { ...staff.venue!, role: 'venue' });
    venueId = venue.id;
    await s.scans.visit(zhang.id, venue.id, 'visit-zhang');
    await s.scans.visit(liu.id, venue.id, 'visit-liu');
    deviceToken = (await s.venues.registerCheckpointDevice(venue.id, '北门 1 号闸机')).token;
    const authority = { ...staff.authority!, role: 'authority' as const };
    const tracer = { ...staff.tracer!, role: 'tracer' as const };
    const grant = await s.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: '确诊病例 2026-0412 流调', residentId: zhang.id, hours: 24 });
    // A correction another authority proposed, waiting for this one's approval.
    colleague = { id: (await s.staff.create('余杭区疾控中心 李医生', 'authority')).id, name: '余杭区疾控中心 李医生', role: 'authority', region: null };
    await s.corrections.propose(colleague, zhang.id, { colour: 'yellow', reason: 'test-awaited', note: '请于 11 月 21 日前到五常街道社区卫生服务中心做核酸检测，结果出来前减少外出。', expiresAt: new Date(now + 3 * DAY_MS).toISOString() });
    await s.tracing.open(tracer, { caseResidentId: zhang.id, from: new Date(now - 2 * HOUR_MS).toISOString(), to: new Date(now + HOUR_MS).toISOString(), grantId: grant.id });
    // Someone registered Chen's ID number first; Chen's registration opened a reclaim.
    const chen = { name: '陈建华', idType: 'resident_id', idNumber: withCheck('33010619800520001'), phone: '13700003333', address: { region: '330106', detail: '文三路 90 号 1 单元 101 室' } };
    await s.residents.register({ ...chen, name: '冒名者', phone: '13700002222' });
    await s.reclaims.open({ registration: checkRegistration(chen, new Date(), true), phoneProvenAt: now });
    // A second version of the national rules, for the diff.
    for (const person of Object.values(SIGNING_IN)) await s.residents.register(person);
    await s.rules.publish({ region: 'CN', rules: DEFAULT_RULES.map((r) => (r.id === 'yellow-symptoms' ? withQuarantine(r, 5) : r)) });
    // Hangzhou extends them: a rule of its own, and one national rule replaced, with the reason.
    await s.rules.publish({
      ...replacing('330100', [withQuarantine(DEFAULT_RULES.find((r) => r.id === 'red-close-contact')!, 10)], { 'zh-CN': '杭州市密接隔离 10 天（市防控指挥部 2026 年第 12 号通告）。', en: 'Hangzhou quarantines close contacts for 10 days (notice 12 of 2026).' }),
      rules: [{ ...withQuarantine(DEFAULT_RULES.find((r) => r.id === 'red-close-contact')!, 10), region: '330100', description: { 'zh-CN': '您在 10 天内是确诊病例的密切接触者。', en: 'You were a close contact of a confirmed case in the last 10 days.' } }, cityLowFeverRule('330100')],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function contextFor(lang: Lang, saved: Record<string, unknown> = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ ...PHONE, locale: lang, permissions: ['camera'] });
    // Runs in the page before the app: the language, and sessions as the apps save them.
    const entries = Object.entries({ 'healthcode.lang': lang, ...saved }).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
    await seedStorage(context, entries);
    return context;
  }

  for (const lang of LANGS) {
    it(`shows the portal, registration and sign-in in ${lang}`, { timeout: 60_000 }, async () => {
      const page = await (await contextFor(lang)).newPage();
      await page.goto(`${server.url}/`);
      await shoot(page, 'portal', lang);
      await page.goto(`${server.url}/resident/#/register`);
      await page.waitForSelector('input[name=idNumber]');
      await shoot(page, 'resident-register', lang);
      await page.goto(`${server.url}/resident/#/sign-in`);
      await page.fill('input[name=phone]', SIGNING_IN[lang].phone!);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=demo-sms]');
      await shoot(page, 'resident-sign-in', lang);
    });

    it(`returns to sign-in when the saved session is refused, in ${lang}`, { timeout: 60_000 }, async () => {
      const revoked = { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', residentId: session.residentId, expiresAt: new Date(Date.now() + HOUR_MS).toISOString() };
      const page = await (await contextFor(lang, { 'healthcode.resident.session': revoked })).newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('input[name=phone]');
      assert.equal(await page.evaluate("localStorage.getItem('healthcode.resident.session')"), null);
    });

    it(`shows every resident screen in ${lang}`, { timeout: 60_000 }, async () => {
      const page = await (await contextFor(lang, { 'healthcode.resident.session': session })).newPage();
      await page.goto(`${server.url}/resident/#/code`);
      await page.waitForSelector('[data-testid=code-card][data-colour=red]');
      await shoot(page, 'resident-code', lang);
      // Installable: a manifest, and a service worker that keeps the app shell for offline use.
      assert.equal(await page.locator('link[rel=manifest]').getAttribute('href'), '/resident/manifest.webmanifest');
      assert.equal(await page.evaluate('navigator.serviceWorker.ready.then((r) => r.scope)'), `${server.url}/`);
      await page.click('.code-card button.primary');
      await page.waitForSelector('article.rule');
      await page.waitForSelector('.history li');
      // The places in the evidence are named in the language of the app.
      if (lang === 'en') await page.locator('.evidence', { hasText: 'Wuchang District' }).first().waitFor();
      // When it clears is said from the rule's outcome, in the app's language.
      const clears = await page.locator('article.rule[data-rule=red-high-risk-area] .clears').innerText();
      assert.match(clears, lang === 'en' ? /Clears 14 days after your last exposure listed below, once your daily check-ins on the last 3 days are clean/ : /满 14 天，且最后连续 3 天每日打卡无症状后解除/);
      await shoot(page, 'resident-why', lang);
      // The public rules read as a page, not as JSON; rule ids stay behind the details.
      await page.click('a[href="#/rules"]');
      await page.waitForSelector('article.rule[data-rule=red-high-risk-area]');
      assert.doesNotMatch((await page.textContent('.card')) ?? '', /red-high-risk-area|"condition"/);
      // Which region published each rule, and what Hangzhou replaced and why.
      await page.locator('[data-testid=rule-overrides] li[data-rule=red-close-contact]', { hasText: lang === 'en' ? 'notice 12 of 2026' : '第 12 号通告' }).waitFor();
      await page.locator('article.rule[data-rule=yellow-low-fever] .rule-origin', { hasText: lang === 'en' ? 'Hangzhou' : '杭州市' }).waitFor();
      await shoot(page, 'resident-rules', lang);
      for (const [route, ready] of [
        ['declare', 'input[name=temperature]'],
        // Zhang Wei checked in today already: the screen opens on today's check-in.
        ['check-in', '[data-testid=check-in-result]'],
        ['household', '.list li'],
        ['data', '.facts'],
        ['access', '.card'],
        ['appeal', '[data-appeal=open]'],
      ] as const) {
        await page.goto(`${server.url}/resident/#/${route}`);
        await page.waitForSelector(ready);
        await shoot(page, `resident-${route}`, lang);
      }
      // A screen reached from the tab bar takes the focus to its heading and names itself in the title.
      await page.click('a[data-tab=check-in]');
      await page.locator('h2:focus').waitFor();
      const heading = (await page.evaluate('document.activeElement.textContent')) as string;
      assert.ok((await page.title()).startsWith(heading), `${await page.title()} / ${heading}`);
      await page.goto(`${server.url}/resident/#/household`);
      await page.click('.list li button');
      await page.waitForSelector('.acting-for');
      await shoot(page, 'resident-code-for-dependent', lang);
    });

    it(`shows the scanner's setup, camera, manual check and result in ${lang}`, { timeout: 60_000 }, async () => {
      const page = await (await contextFor(lang)).newPage();
      await page.goto(`${server.url}/scanner/`);
      await shoot(page, 'scanner-setup', lang);
      await page.fill('input[name=credential]', deviceToken);
      await page.click('button[type=submit]');
      await page.waitForSelector('.camera video');
      await page.waitForFunction((video) => (video as unknown as { readyState: number }).readyState === 4, await page.locator('.camera video').elementHandle());
      await shoot(page, 'scanner-camera', lang);
      await page.click('button.secondary.wide');
      await page.fill('input[name=idNumber]', GRANDMA_ZHANG.idNumber);
      await shoot(page, 'scanner-manual', lang);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=scan-result]');
      await shoot(page, 'scanner-result', lang);
    });

    it(`shows the venue page with a printable place code in ${lang}`, { timeout: 60_000 }, async () => {
      const page = await (await contextFor(lang, { 'healthcode.venue.staff': staff.venue })).newPage();
      await page.goto(`${server.url}/venue/`);
      await page.waitForSelector('.list li');
      await shoot(page, 'venue-list', lang);
      await page.click('.list li button');
      await page.waitForSelector('.poster img');
      await page.waitForFunction((img) => (img as unknown as { complete: boolean }).complete, await page.locator('.poster img').elementHandle());
      await page.fill('input[name=deviceName]', '南门 2 号闸机');
      await page.click('form.row button[type=submit]');
      await page.waitForSelector('[data-testid=device-credential]');
      await shoot(page, 'venue-place-code', lang);
      assert.match(await page.locator('.poster img').getAttribute('src') ?? '', new RegExp(`/api/v1/venues/${venueId}/place-code.svg`));
    });

    it(`shows every console section in ${lang}`, { timeout: 240_000 }, async () => {
      const page = await (await contextFor(lang, { 'healthcode.console.staff': staff.authority })).newPage();
      await page.goto(`${server.url}/console/#/dashboard`);
      await page.waitForSelector('[data-testid=colours-by-region] tbody tr');
      await page.waitForSelector('.chart canvas');
      await shoot(page, 'console-dashboard', lang);
      await page.goto(`${server.url}/console/#/risk-areas`);
      await page.waitForSelector('.table tbody tr');
      await shoot(page, 'console-risk-areas', lang);
      await page.goto(`${server.url}/console/#/imports`);
      const csv = join(work, 'cases.csv');
      writeFileSync(csv, `phone,status,date\n${LIU_FANG.phone},confirmed,${new Date(Date.now() - DAY_MS).toISOString()}\n13700000000,confirmed,${new Date().toISOString()}\nnot-a-phone,confirmed,2026-11-01T10:00:00+08:00\n`);
      await page.setInputFiles('input[name=file]', csv);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=import-report]');
      await shoot(page, 'console-imports', lang);
      await page.goto(`${server.url}/console/#/rules`);
      await page.waitForSelector('[data-testid=rule-diff]');
      // A new rule made in the form over the fact vocabulary, previewed, and seen in the JSON view.
      await page.waitForSelector('[data-testid=rule-form]');
      await page.click('[data-testid=add-rule]');
      const added = page.locator('details.rule-form[open]');
      for (const [field, text] of [['description-zh-CN', '申报发热。'], ['description-en', 'You declared a fever.'], ['howToClear-zh-CN', '连续 2 天打卡无异常。'], ['howToClear-en', 'Two clean check-ins.']] as const) {
        await added.locator(`input[name=${field}]`).fill(text);
      }
      await page.click('[data-testid=run-preview]');
      await page.waitForSelector('[data-testid=rule-preview]');
      await shoot(page, 'console-rules', lang);
      await page.click('.segmented button:nth-child(2)');
      assert.match(await page.locator('textarea.code-editor').inputValue(), /"id": "new-rule-\d+"[\s\S]*"declaration.fever"/);
      // A district with no set of its own shows what it inherits, and Hangzhou's replacement.
      await page.fill('input[placeholder="CN / 330000 / 330100"]', '330110');
      await page.click('form.row button[type=submit]');
      await page.locator('[data-testid=inherited-rules] summary').click();
      await page.locator('[data-testid=inherited-rules] li.overridden', { hasText: lang === 'en' ? 'notice 12 of 2026' : '第 12 号通告' }).waitFor();
      await shoot(page, 'console-rules-district', lang);
      // Yuhang withdraws Hangzhou's low-fever rule in the form, saying why, and the preview counts it.
      await page.click('.segmented button:nth-child(1)');
      const lowFever = page.locator('[data-testid=inherited-editor] li[data-rule=yellow-low-fever]');
      await lowFever.locator('button[data-action=withdraw]').click();
      await lowFever.locator('input[name=reason-yellow-low-fever-zh-CN]').fill('余杭区发热门诊已全覆盖，低热者按全国规则处理。');
      await lowFever.locator('input[name=reason-yellow-low-fever-en]').fill('Every Yuhang clinic now sees low fevers: the national rules apply.');
      assert.equal(await lowFever.getAttribute('data-state'), 'withdrawn');
      await page.click('[data-testid=run-preview]');
      await page.locator('[data-testid=preview-inherits]', { hasText: lang === 'en' ? 'it replaces or withdraws 1.' : '替换或撤销 1 条继承规则' }).waitFor();
      await shoot(page, 'console-rules-overrides', lang);
      await page.goto(`${server.url}/console/#/appeals`);
      await page.waitForSelector('[data-appeal]');
      await shoot(page, 'console-appeals', lang);
      await page.goto(`${server.url}/console/#/corrections`);
      await page.waitForSelector('[data-correction] button.primary');
      await shoot(page, 'console-corrections', lang);
      // Two officers: a colleague checked one claim and proposed it; this officer checks again and approves it.
      const n = lang === 'en' ? '2' : '1';
      const claimant = (name: string, first16: string, phone: string) => checkRegistration({ name, idType: 'resident_id', idNumber: withCheck(first16), phone, address: { region: '330110', detail: '五常街道联胜路 12 号' } }, new Date(), true);
      const proposedId = await server.services.reclaims.open({ registration: claimant('周桂芳', `3301101952030400${n}`, `1370000500${n}`), phoneProvenAt: Date.now() });
      await server.services.reclaims.open({ registration: claimant('吴志强', `3301101975060700${n}`, `1370000600${n}`), phoneProvenAt: Date.now() });
      await server.services.reclaims.propose(colleague, proposedId, { evidence: { method: 'authority-record', document: '居民身份证', reference: `公安人口库查询 2026-1120-004${n}` }, note: '公安人口库核对一致' });
      await page.goto(`${server.url}/console/#/reclaims`);
      const proposed = page.locator(`[data-reclaim="${proposedId}"]`);
      await proposed.waitFor();
      assert.match(await proposed.innerText(), /2026-1120-004/);
      await shoot(page, 'console-reclaims', lang);
      await proposed.locator('input[name=document]').fill('居民身份证');
      await proposed.locator('input[name=reference]').fill('五常街道服务点 2 号窗口');
      await proposed.locator('textarea[name=note]').fill('持证人到服务点核验原件，与人口库一致');
      await proposed.locator('button[type=submit]').click();
      await proposed.waitFor({ state: 'detached' });
      assert.equal((await server.services.reclaims.pending()).some((r) => r.id === proposedId), false);
      // And proposes Chen's claim (or the one the other language's run left): then it waits for someone else.
      const pending = page.locator('[data-reclaim][data-status=pending]').first();
      const pendingId = await pending.getAttribute('data-reclaim');
      await pending.locator('button', { hasText: lang === 'en' ? 'Document in person' : '现场查验证件' }).click();
      await pending.locator('input[name=document]').fill('居民身份证');
      await pending.locator('input[name=reference]').fill('文三路服务点 1 号窗口');
      await pending.locator('textarea[name=note]').fill('申请人持身份证原件到服务点核验');
      await pending.locator('button[type=submit]').click();
      await page.locator(`[data-reclaim="${pendingId}"][data-status=proposed]`).waitFor();
      assert.match(await page.locator(`[data-reclaim="${pendingId}"]`).innerText(), lang === 'en' ? /another authority must check/ : /须由另一名人员/);
      await shoot(page, 'console-reclaims-proposed', lang);
      await page.goto(`${server.url}/console/#/traces`);
      await page.locator('[data-testid=grant-form] select[name=staffId] option').first().waitFor({ state: 'attached' });
      await shoot(page, 'console-traces', lang);

      const tracerPage = await (await contextFor(lang, { 'healthcode.console.staff': staff.tracer })).newPage();
      await server.services.audit.grant({ ...staff.authority!, role: 'authority', region: null }, { staffId: staff.tracer!.id, scope: 'trace', purpose: '确诊病例 2026-0412 流调', residentId: null, hours: 24 });
      await tracerPage.goto(`${server.url}/console/#/traces`);
      await tracerPage.locator('select[name=grant] option').first().waitFor({ state: 'attached' });
      await tracerPage.fill('input[name=query]', ZHANG_WEI.phone!);
      await tracerPage.click('form[role=search] button[type=submit]');
      await tracerPage.click('li.found button');
      await tracerPage.waitForSelector('#case-timeline');
      await tracerPage.fill('#open-trace input[name=from]', new Date(Date.now() + 8 * HOUR_MS - 2 * HOUR_MS).toISOString().slice(0, 16));
      await tracerPage.click('#open-trace button[type=submit]');
      await tracerPage.waitForSelector('#trace-result .timeline li, #open-trace .notice-error');
      assert.equal(await tracerPage.locator('#open-trace .notice-error').count(), 0, await tracerPage.locator('#open-trace').innerText());
      await shoot(tracerPage, 'console-trace-result', lang);

      const auditor = await (await contextFor(lang, { 'healthcode.console.staff': staff.auditor })).newPage();
      await auditor.goto(`${server.url}/console/#/audit`);
      await auditor.waitForSelector('.table tbody tr');
      await auditor.click('button.primary');
      await auditor.waitForSelector('[data-testid=audit-check]');
      assert.match(await auditor.locator('[data-testid=audit-check]').innerText(), lang === 'en' ? /intact/ : /完整/);
      await shoot(auditor, 'console-audit', lang);
    });
  }
});
