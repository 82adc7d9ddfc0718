import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { clearingOf, clearingText } from '../../src/domain/index.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { consoleIn as consoleInLang, listedDescription, nationalOfficer, ruleFormOf } from '../support/rule-editor.js';
import { launchChromium, startWebServer, type WebServer } from '../support/web-server.js';

const SCREENS = join(process.cwd(), 'test-results', 'screens');
/** The national rule the officer edits, as the default rule set publishes it. */
const RULE_ID = 'red-positive-test';
/** Its Chinese, reworded by a 繁體 officer who writes Traditional, and the same words in Simplified. */
const TYPED = '您最近 14 天內的核酸檢測結果為陽性。';
const KEPT = '您最近 14 天内的核酸检测结果为阳性。';
/** How the rule clears, in the Simplified the server keeps (the server converts it for 繁體 readers). */
const CLEARS = clearingText(clearingOf(DEFAULT_RULES.find((r) => r.id === RULE_ID)!.outcome))['zh-CN'];

describe('a 繁體 officer rewords a rule in Traditional', () => {
  let server: WebServer;
  let browser: Browser;
  let staff: Record<string, unknown>;
  before(async () => {
    mkdirSync(SCREENS, { recursive: true });
    server = await startWebServer({ port: 43602 });
    browser = await launchChromium();
    staff = await nationalOfficer(server);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const consoleIn = (lang: 'zh-Hant' | 'zh-CN') => consoleInLang(browser, staff, lang);
  /** The rule's form in the draft, opened. */
  async function ruleForm(page: Page): Promise<Locator> {
    const form = await ruleFormOf(page, RULE_ID);
    await form.locator('summary').click();
    return form;
  }
  const listed = (page: Page) => listedDescription(page, RULE_ID);

  it('sees what residents will read of how it clears in Traditional, as a 繁體 resident reads it', { timeout: 120_000 }, async () => {
    const context = await consoleIn('zh-Hant');
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/rules`);
    const rule = await ruleForm(page);
    // 14 days, then 3 clean check-ins: in the words a 繁體 resident's code screen gives them.
    assert.equal(await rule.locator('[data-testid=rule-clears]').innerText(), `根據上面的天數和打卡要求，居民將看到： ${toTraditional(CLEARS)}`);
    assert.match(CLEARS, /满 14 天/);
    await rule.screenshot({ path: join(SCREENS, 'console-rule-clears.zh-Hant.png') });
    await context.close();

    const colleague = await consoleIn('zh-CN');
    const theirs = await colleague.newPage();
    await theirs.goto(`${server.url}/console/#/rules`);
    const same = await ruleForm(theirs);
    assert.equal(await same.locator('[data-testid=rule-clears]').innerText(), `根据上面的天数和打卡要求，居民将看到： ${CLEARS}`);
    await same.screenshot({ path: join(SCREENS, 'console-rule-clears.zh-CN.png') });
    await colleague.close();
  });

  it('publishes, and the rule keeps Simplified: shown in Traditional to the officer and in Simplified to a 简体 colleague', { timeout: 180_000 }, async () => {
    const context = await consoleIn('zh-Hant');
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/rules`);
    const rule = await ruleForm(page);
    // The field says how its text is kept before the officer types into it.
    await rule.getByText('以簡體中文保存（此處輸入的繁體在預覽或發布時轉為簡體）；繁體讀者看到的是轉換後的繁體。').first().waitFor();
    await rule.locator('input[name=description-zh-CN]').fill(TYPED);
    await page.click('[data-testid=run-preview]');
    await page.waitForSelector('[data-testid=rule-preview]');
    await page.getByRole('button', { name: '發布' }).click();
    await page.locator('.notice-ok', { hasText: '版已發布並公開。' }).waitFor();

    const stored = (await server.services.rules.history('CN'))[0]?.rules.find((r) => r.id === RULE_ID);
    assert.equal(stored?.description['zh-CN'], KEPT);
    // The officer reads the rule in Traditional; the form's field holds what is kept, Simplified.
    assert.equal(await listed(page), toTraditional(KEPT));
    const reloaded = await ruleForm(page);
    assert.equal(await reloaded.locator('input[name=description-zh-CN]').inputValue(), KEPT);
    await page.screenshot({ path: join(SCREENS, 'console-rule-published.zh-Hant.png'), fullPage: true });
    await context.close();

    const colleague = await consoleIn('zh-CN');
    const theirs = await colleague.newPage();
    await theirs.goto(`${server.url}/console/#/rules`);
    assert.equal(await listed(theirs), KEPT);
    await theirs.screenshot({ path: join(SCREENS, 'console-rule-published.zh-CN.png'), fullPage: true });
    await colleague.close();
  });
});
