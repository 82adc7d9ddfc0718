import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { seedStorage } from './browser-storage.js';
import type { WebServer } from './web-server.js';

export const DESKTOP = { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' };

/** The national authority's officer, signed in to the console as the console keeps a credential. */
export async function nationalOfficer(server: WebServer): Promise<Record<string, unknown>> {
  const name = '國家衛健委 陳處長';
  const created = await server.services.staff.create(name, 'authority');
  return { token: created.token, id: created.id, name, role: 'authority', region: null };
}

/** A browser context whose console reads `lang`, signed in as `staff`. */
export async function consoleIn(browser: Browser, staff: Record<string, unknown>, lang: 'zh-Hant' | 'zh-CN'): Promise<BrowserContext> {
  const context = await browser.newContext({ ...DESKTOP, locale: lang });
  await seedStorage(context, [['healthcode.lang', lang], ['healthcode.console.staff', JSON.stringify(staff)]]);
  return context;
}

/** The form of rule `id` in the draft (its id is its first field's value, which is no attribute). */
export async function ruleFormOf(page: Page, id: string): Promise<Locator> {
  await page.locator('details.rule-form').first().waitFor();
  const forms = page.locator('details.rule-form');
  const index = await forms.evaluateAll((all, ruleId) => all.findIndex((form) => form.querySelector('input')?.value === ruleId), id);
  assert.ok(index >= 0, 'the draft has no form for the rule');
  return forms.nth(index);
}

/** Rule `id`'s description in the current set, as the console lists it (the text just before its id). */
export async function listedDescription(page: Page, id: string): Promise<string | null | undefined> {
  const code = page.locator('.card ul.list').first().locator(`li code:text-is("${id}")`);
  await code.waitFor();
  return code.evaluate((element) => element.previousElementSibling?.textContent);
}
