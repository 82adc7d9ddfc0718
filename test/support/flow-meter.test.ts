import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './web-server.js';
import { meterTaps, startFlow } from './flow-meter.js';

describe('the flow meter', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  before(async () => {
    browser = await launchChromium();
    // A page with an origin of its own, as the apps have: the count lives in its sessionStorage.
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(
      '<input name=a><input type=checkbox name=b><select name=c><option>x</option><option>y</option></select><button>go</button>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('counts each click and each changed field once, and no ticked box twice', { timeout: 30_000 }, async () => {
    const context = await browser.newContext();
    await meterTaps(context);
    const page = await context.newPage();
    await page.goto(url);
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
