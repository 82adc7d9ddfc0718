import type { BrowserContext } from 'playwright-core';

/** What an app keeps in localStorage, by key: a text as it is, anything else as the JSON the app writes. */
export type AppStorage = Iterable<readonly unknown[]> | Record<string, unknown>;

/**
 * Seeds every page of `context` with what the apps would have kept from earlier use (the language
 * chosen, a session signed in), before any of the page's own scripts runs. `once`: only the first
 * page load of each tab, so that what the story does after (a sign-out, a setting changed) survives
 * a reload.
 */
export async function seedStorage(context: BrowserContext, storage: AppStorage, options: { once?: boolean } = {}): Promise<void> {
  const pairs = Symbol.iterator in storage ? [...(storage as Iterable<readonly unknown[]>)] : Object.entries(storage);
  const entries = pairs.map(([key, value]) => [String(key), typeof value === 'string' ? value : JSON.stringify(value)]);
  const write = `for (const [k, v] of ${JSON.stringify(entries)}) localStorage.setItem(k, v);`;
  await context.addInitScript({ content: options.once ? `if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1'); ${write} }` : write });
}
