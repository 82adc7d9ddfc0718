import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Where measured flows are written, one JSON line each, for the closing note's before/after table. */
export const FLOWS_FILE = join(process.cwd(), 'test-results', 'flows.jsonl');

/**
 * Counts what a person does in a browser flow: every click or tap, and every field they change
 * (a typed field counts once, as a person would think of it). Counted inside the page, from the
 * events the person's actions raise, so a story cannot forget to count a step.
 */
export async function meterTaps(context: BrowserContext): Promise<void> {
  await context.addInitScript({
    content: `(() => {
      const key = 'healthcode.flow-taps';
      const bump = () => sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) ?? '0') + 1));
      addEventListener('click', (e) => { if (e.isTrusted) bump(); }, true);
      // A ticked box is already counted by its click; a typed field or a picked option by its change.
      addEventListener('change', (e) => {
        const t = e.target;
        if (t instanceof HTMLInputElement && (t.type === 'checkbox' || t.type === 'radio')) return;
        if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) bump();
      }, true);
    })();`,
  });
}

async function tapsSoFar(pages: Page[]): Promise<number> {
  let total = 0;
  for (const page of pages) {
    if (page.isClosed()) continue;
    total += Number(await page.evaluate("sessionStorage.getItem('healthcode.flow-taps') ?? '0'").catch(() => 0));
  }
  return total;
}

export interface MeasuredFlow {
  flow: string;
  taps: number;
  seconds: number;
}

/**
 * Starts measuring a flow across the given pages (a resident's phone and an officer's desk, say).
 * `end` records the taps made and the seconds passed since `start`, writes them to FLOWS_FILE and
 * returns them. Taps on pages closed before `end` are not counted: keep them open to the end.
 */
export async function startFlow(flow: string, pages: Page[]): Promise<{ end(): Promise<MeasuredFlow> }> {
  const before = await tapsSoFar(pages);
  const started = performance.now();
  return {
    async end() {
      const measured = { flow, taps: (await tapsSoFar(pages)) - before, seconds: Math.round((performance.now() - started) / 100) / 10 };
      mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
      appendFileSync(FLOWS_FILE, `${JSON.stringify(measured)}\n`);
      return measured;
    },
  };
}
