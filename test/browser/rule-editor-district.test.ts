import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { MESSAGES } from '../../web/src/shared/messages.js';
import { assertAccessible } from '../support/axe.js';
import { DESKTOP } from '../support/rule-editor.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
/** A district of Hangzhou with no rules of its own yet, per language (a first set is published in each), and its officer. */
const DISTRICT = { 'zh-CN': { code: '330110', officer: '余杭区卫健局 王科长' }, 'zh-Hant': { code: '330106', officer: '西湖區衛健局 林科長' } } as const;

describe("a district's officer opens the rule editor on their own district", () => {
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

  for (const lang of ['zh-CN', 'zh-Hant'] as const) {
    const m = MESSAGES[lang];
    const { code: district, officer: name } = DISTRICT[lang];
    it(`signs in with the district's credential and withdraws a national rule for the district alone, in its own first set (${lang})`, { timeout: 120_000 }, async () => {
      const officer = await server.services.staff.create(name, 'authority', district);
      // No set of its own yet: its history is empty (the service says so by refusing to find one).
      const before = await server.services.rules.history(district).then((sets) => sets.length, () => 0);
      const context = await browser.newContext({ ...DESKTOP, locale: lang });
      await context.addInitScript({ content: `localStorage.setItem('healthcode.lang', '${lang}')` });
      const page = await context.newPage();
      await page.goto(`${server.url}/console/#/rules`);
      await page.fill('input[name=credential]', officer.token);
      await page.click(`button:has-text("${m['staff.signInSubmit']}")`);
      // The editor opens on the district, which has no set of its own yet and inherits the national one and Hangzhou's.
      await page.getByText(m['rules.noOwnSet'].replace('{region}', district)).waitFor();
      assert.equal(await page.getByLabel(m['rules.regionCode']).inputValue(), district);
      // A version that changes nothing is refused, and she reads why, not just "see below".
      await page.click('[data-testid=run-preview]');
      await page.locator('[data-testid=draft-problems]', { hasText: m['fieldProblem.ruleSetEmpty'] }).waitFor();
      await page.locator('[data-testid=draft-problems]').screenshot({ path: join(SCREENS, `console-rules-empty-draft.${lang}.png`) });
      // The district withdraws the national rule on a missing 14-day declaration, saying why, in both languages.
      const rule = page.locator('[data-testid=inherited-editor] li[data-rule=gray-no-recent-declaration]');
      await rule.locator('button[data-action=withdraw]').click();
      await rule.locator('input[name=reason-gray-no-recent-declaration-zh-CN]').fill(lang === 'zh-CN' ? '余杭区以每日健康打卡代替 14 天申报。' : '西湖区以每日健康打卡代替 14 天申报。');
      await rule.locator('input[name=reason-gray-no-recent-declaration-en]').fill(`District ${district} takes daily check-ins in place of the 14-day declaration.`);
      await page.click('[data-testid=run-preview]');
      await page.locator('[data-testid=rule-preview]').waitFor();
      assert.equal(await page.locator('[data-testid=draft-problems]').count(), 0);
      await assertAccessible(page, `console-rules-district.${lang}`);
      await page.screenshot({ path: join(SCREENS, `console-rules-district.${lang}.png`), fullPage: true });
      await page.getByRole('button', { name: m['rules.publish'], exact: true }).click();
      await page.locator('.notice-ok', { hasText: m['rules.published'].replace('{version}', String(before + 1)) }).waitFor();
      const published = await server.services.rules.history(district);
      assert.equal(published.length, before + 1);
      assert.equal(published[0]?.region, district);
      assert.deepEqual(published[0]?.overrides?.map((o) => o.id), ['gray-no-recent-declaration']);

      // A second version withdraws one more national rule: comparing the two names it, with its reason in her words.
      const gold = page.locator('[data-testid=inherited-editor] li[data-rule=gold-vaccinated]');
      await gold.locator('button[data-action=withdraw]').click();
      await gold.locator('input[name=reason-gold-vaccinated-zh-CN]').fill('本区接种率已达九成，不再以接种单独赋绿码。');
      await gold.locator('input[name=reason-gold-vaccinated-en]').fill('Nine in ten are vaccinated here: a vaccination alone no longer makes a code green.');
      await page.click('[data-testid=run-preview]');
      await page.locator('[data-testid=rule-preview]').waitFor();
      await page.getByRole('button', { name: m['rules.publish'], exact: true }).click();
      await page.locator('.notice-ok', { hasText: m['rules.published'].replace('{version}', String(before + 2)) }).waitFor();
      const change = page.locator('[data-testid=rule-diff] li[data-override=gold-vaccinated]');
      await change.waitFor();
      const said = await change.innerText();
      assert.ok(said.includes(m['rules.overrideChange.added']), said);
      assert.ok(said.includes(lang === 'zh-CN' ? '本区接种率已达九成' : '本區接種率已達九成'), said);
      assert.equal(await page.locator('[data-testid=rule-diff] li[data-override=gray-no-recent-declaration]').count(), 0, 'an override both versions make is no change');
      await change.screenshot({ path: join(SCREENS, `console-rules-diff-override.${lang}.png`) });
      // Previewing the same rules again says so, and there is nothing to publish.
      await page.click('[data-testid=run-preview]');
      await page.locator('[data-testid=draft-unchanged]', { hasText: m['rules.unchanged'].replace('{version}', String(before + 2)) }).waitFor();
      assert.equal(await page.getByRole('button', { name: m['rules.publish'], exact: true }).isDisabled(), true);

      // The national set she may read but not change: the refusal says why in her words, no operator English.
      await page.getByLabel(m['rules.regionCode']).fill('CN');
      await page.click(`button:has-text("${m['rules.load']}")`);
      await page.locator('p.muted', { hasText: m['rules.current'].split('{version}')[0]!.replace('{region}', 'CN') }).waitFor();
      await page.click('[data-testid=run-preview]');
      const refused = page.locator('.notice-error[data-reason=national-rules]');
      await refused.waitFor();
      assert.equal((await refused.innerText()).trim(), m['problem.forbidden.national-rules']);
      await refused.screenshot({ path: join(SCREENS, `console-rules-national-refused.${lang}.png`) });
      await context.close();
    });
  }
});
