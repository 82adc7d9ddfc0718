import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { consoleIn as consoleInLang, listedDescription, nationalOfficer, ruleFormOf } from '../support/rule-editor.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

/** The national rule the officer edits, as the default rule set publishes it. */
const POSITIVE_TEST = { id: 'red-positive-test', 'zh-CN': '您在 14 天内有阳性检测结果。', en: 'You had a positive test result in the last 14 days.' };
/** Its English, reworded by the officer. */
const REWORDED = 'A test of yours was positive in the last 14 days.';

describe('an officer saves a rule while the console reads 繁體', () => {
  let server: WebServer;
  let browser: Browser;
  let staff: Record<string, unknown>;
  before(async () => {
    server = await startWebServer({ port: 43311 });
    browser = await launchChromium();
    staff = await nationalOfficer(server);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const consoleIn = (lang: 'zh-Hant' | 'zh-CN') => consoleInLang(browser, staff, lang);
  const ruleForm = (page: Page) => ruleFormOf(page, POSITIVE_TEST.id);
  const listed = (page: Page) => listedDescription(page, POSITIVE_TEST.id);

  it('rewords its English, publishes, and the rule keeps its Simplified text: shown in Traditional here and in Simplified to a colleague', { timeout: 180_000 }, async () => {
    const context = await consoleIn('zh-Hant');
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/rules`);
    const rule = await ruleForm(page);
    await rule.locator('summary').click();
    // The form shows the texts as stored: Simplified in its zh-CN field, whatever the console reads.
    assert.equal(await rule.locator('input[name=description-zh-CN]').inputValue(), POSITIVE_TEST['zh-CN']);
    await rule.locator('input[name=description-en]').fill(REWORDED);
    await page.click('[data-testid=run-preview]');
    await page.waitForSelector('[data-testid=rule-preview]');
    await page.getByRole('button', { name: '發布' }).click();
    // The officer is told the set is out, and which version it is.
    await page.locator('.notice-ok', { hasText: '第 2 版已發布並公開。' }).waitFor();

    const stored = (await server.services.rules.history('CN'))[0]?.rules.find((r) => r.id === POSITIVE_TEST.id);
    assert.deepEqual(stored?.description, { 'zh-CN': POSITIVE_TEST['zh-CN'], en: REWORDED });
    // What the officer sees once saved: the list and the form, in Traditional; the form's field still Simplified.
    assert.equal(await listed(page), toTraditional(POSITIVE_TEST['zh-CN']));
    const reloaded = await ruleForm(page);
    await reloaded.locator('summary').click();
    assert.equal(await reloaded.locator('input[name=description-zh-CN]').inputValue(), POSITIVE_TEST['zh-CN']);
    assert.equal(await reloaded.locator('input[name=description-en]').inputValue(), REWORDED);
    await context.close();

    const colleague = await consoleIn('zh-CN');
    const theirs = await colleague.newPage();
    await theirs.goto(`${server.url}/console/#/rules`);
    assert.equal(await listed(theirs), POSITIVE_TEST['zh-CN']);
    await colleague.close();
  });
});
