import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * What every screen is checked against: WCAG 2.0/2.1/2.2 A and AA and axe's best practices (unique
 * landmarks, table headers with text, one main…). Every rule of those tags runs, with no rule
 * disabled and no part of the page excluded; color-contrast runs at AA for every text size (4.5:1,
 * 3:1 only for text WCAG calls large).
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * The problems axe-core finds on the screen as it is now, of any impact, one line each. Also fails
 * when the contrast rule did not run at all (a future configuration that dropped it).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const ran = [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable].map((r) => r.id);
  assert.ok(ran.includes('color-contrast'), 'axe ran without its color-contrast rule');
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
}

/** Fails with every problem axe finds, named by screen, or (HEALTHCODE_AXE_REPORT set) only lists them. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const problems = await accessibilityProblems(page);
  if (process.env.HEALTHCODE_AXE_REPORT) for (const p of problems) process.stderr.write(`AXE ${screen}: ${p}\n`);
  else assert.deepEqual(problems, [], screen);
}
