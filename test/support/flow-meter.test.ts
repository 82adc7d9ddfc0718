import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './web-server.js';
import { meterTaps, startFlow } from './flow-meter.js';

describe('the flow meter', () => {
  let browser: Browser;
  before(async () => (browser = await launchChromium()));
  after(async () => browser?.close());

  it('counts each click and each changed field once, and no ticked box twice', { timeout: 30_000 }, async () => {
    const context = await browser.newContext();
    await meterTaps(context);
    const page = await context.newPage();
    await page.setContent('<input name=a><input type=checkbox name=b><select name=c><option>x</option><option>y</option></select><button>go</button>');
    const flow = await startFlow('meter-self-test', [page]);
    await page.fill('input[name=a]', '37.2');
    await page.check('input[name=b]');
    await page.selectOption('select[name=c]', 'y');
    await page.click('button');
    const measured = await flow.end();
    assert.equal(measured.taps, 4);
    assert.ok(measured.seconds >= 0);
    await context.close();
  });
});
